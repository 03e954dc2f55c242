package dev.saga.internal.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.LedgerStore;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.retry.DurableRetry;
import dev.saga.internal.retry.RetryPolicies;

/**
 * Runs or replays what a saga calls: each step and primitive takes the next sequence number; a
 * recorded outcome is returned without running anything, a missing one is produced and recorded
 * (one commit per step; a transactional step's effect commits in the same transaction).
 */
public final class ReplayEngine {

    private static final Logger log = LoggerFactory.getLogger(ReplayEngine.class);

    private final LedgerStore ledger;
    private final PayloadCodec codec;
    private final RetryPolicies policies;
    private final DurableRetry retry;
    private final PlatformTransactionManager transactionManager;
    private final Duration maxInlineWait;

    public ReplayEngine(LedgerStore ledger, PayloadCodec codec, RetryPolicies policies,
            PlatformTransactionManager transactionManager, Duration maxInlineWait) {
        this.ledger = ledger;
        this.codec = codec;
        this.policies = policies;
        this.retry = new DurableRetry(maxInlineWait);
        this.transactionManager = transactionManager;
        this.maxInlineWait = maxInlineWait;
    }

    /** The intercepted step method, called through its proxy chain. */
    @FunctionalInterface
    public interface Proceed {
        Object proceed() throws Throwable;
    }

    Object callStep(SagaExecution execution, StepDefinition step, Object[] arguments, Proceed proceed) {
        int seq = execution.takeSeq();
        StepRecord row = execution.recorded(seq);
        if (row != null) {
            requireSame(execution, row, StepKind.STEP, step.name());
            switch (row.status()) {
                case COMPLETED -> {
                    return codec.read(row.result(), step.method().getGenericReturnType(), "result of " + step.name());
                }
                case FAILED -> throw ErrorText.recreate(row.error(), step.beanClass().getClassLoader());
                case RETRYING -> waitUntil(row.nextAttemptAt());
            }
        } else {
            var now = Instant.now();
            row = new StepRecord(execution.sagaId(), seq, StepKind.STEP, step.name(), StepStatus.RETRYING, null,
                    codec.writeArguments(arguments, "arguments of " + step.name()), null, null, List.of(), now, null,
                    null);
        }
        var attempt = new AttemptState(row);
        var outcome = retry.run(policies.forStep(step), row.attemptCount(),
                number -> runAttempt(execution, step, attempt, proceed),
                (number, error, retryIn) -> recordFailure(execution, attempt, error, retryIn),
                SagaControl.class);
        if (outcome instanceof DurableRetry.Outcome.Succeeded<Object> succeeded) {
            return succeeded.value();
        }
        if (outcome instanceof DurableRetry.Outcome.RetryLater<Object> later) {
            throw new SagaControl.Suspend(later.delay());
        }
        throw sneaky(((DurableRetry.Outcome.Exhausted<Object>) outcome).error());
    }

    Instant now(SagaExecution execution) {
        if (execution.inStep()) {
            return Instant.now(); // a step's result is recorded as a whole; its inner values need not be
        }
        return (Instant) primitive(execution, StepKind.NOW, "now", Instant.class, Instant::now);
    }

    UUID randomUUID(SagaExecution execution) {
        if (execution.inStep()) {
            return UUID.randomUUID();
        }
        return (UUID) primitive(execution, StepKind.RANDOM_UUID, "randomUUID", UUID.class, UUID::randomUUID);
    }

    private Object primitive(SagaExecution execution, StepKind kind, String name, Class<?> type, Supplier<?> value) {
        int seq = execution.takeSeq();
        StepRecord row = execution.recorded(seq);
        if (row != null) {
            requireSame(execution, row, kind, name);
            return codec.read(row.result(), type, name);
        }
        Object fresh = value.get();
        var recorded = StepRecord.completed(execution.sagaId(), seq, kind, name, codec.write(fresh, name), Instant.now());
        fenced(() -> ledger.record(execution.fence(), recorded));
        execution.remember(recorded);
        return fresh;
    }

    private Object runAttempt(SagaExecution execution, StepDefinition step, AttemptState attempt, Proceed proceed)
            throws Throwable {
        attempt.startedAt = Instant.now();
        execution.enterStep(attempt.row.seq());
        try {
            if (!step.transactional()) {
                Object result = proceed.proceed();
                recordSuccess(execution, step, attempt, result);
                return result;
            }
            return new TransactionTemplate(transactionManager, step.transaction()).execute(status -> {
                Object result = unchecked(proceed);
                recordSuccess(execution, step, attempt, result);
                return result;
            });
        } catch (AttemptFailure failure) {
            throw failure.getCause();
        } finally {
            execution.leaveStep();
        }
    }

    private void recordSuccess(SagaExecution execution, StepDefinition step, AttemptState attempt, Object result) {
        var row = attempt.row.succeeded(codec.write(result, "result of " + step.name()), attempt.startedAt,
                Instant.now());
        fenced(() -> ledger.record(execution.fence(), row));
        attempt.row = row;
        execution.remember(row);
    }

    private void recordFailure(SagaExecution execution, AttemptState attempt, Throwable error, Duration retryIn) {
        var now = Instant.now();
        var row = attempt.row.failed(ErrorText.of(error), attempt.startedAt, now, retryIn == null ? null : now.plus(retryIn));
        log.warn("Saga {} step {} attempt {} failed{}: {}", execution.sagaId(), row.name(), row.attemptCount(),
                retryIn == null ? " for good" : ", retrying in " + retryIn, row.error());
        fenced(() -> ledger.record(execution.fence(), row));
        attempt.row = row;
        execution.remember(row);
    }

    private void waitUntil(Instant due) {
        if (due == null) {
            return;
        }
        var remaining = Duration.between(Instant.now(), due);
        if (remaining.compareTo(maxInlineWait) > 0) {
            throw new SagaControl.Suspend(remaining);
        }
        if (!remaining.isNegative() && !remaining.isZero()) {
            try {
                Thread.sleep(remaining.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SagaControl.Suspend(remaining);
            }
        }
    }

    private static void requireSame(SagaExecution execution, StepRecord row, StepKind kind, String name) {
        if (row.kind() != kind || !row.name().equals(name)) {
            throw new SagaControl.NonDeterminism("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") is not deterministic: history entry #" + row.seq() + " was recorded as " + row.kind() + " '"
                    + row.name() + "' but the code now calls " + kind + " '" + name + "'. Deploy code that makes the"
                    + " same calls in the same order for sagas already running (see Sagas versioning)");
        }
    }

    private static void fenced(Runnable write) {
        try {
            write.run();
        } catch (FencedOffException e) {
            throw new SagaControl.Abandon(e.getMessage());
        }
    }

    private static Object unchecked(Proceed proceed) {
        try {
            return proceed.proceed();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new AttemptFailure(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable error) throws E {
        throw (E) error;
    }

    /** A checked exception of a step, carried through the transaction callback. */
    private static final class AttemptFailure extends RuntimeException {
        AttemptFailure(Throwable cause) {
            super(cause);
        }
    }

    /** The ledger row of the step as its attempts go on. */
    private static final class AttemptState {
        StepRecord row;
        Instant startedAt = Instant.now();

        AttemptState(StepRecord row) {
            this.row = row;
        }
    }
}
