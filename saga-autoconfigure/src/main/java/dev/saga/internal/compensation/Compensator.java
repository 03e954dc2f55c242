package dev.saga.internal.compensation;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ReflectionUtils;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.retry.DurableRetry;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContextHolder;

/**
 * Runs the compensations of a saga's completed steps, newest first. Each compensation is a ledger
 * row of its own (kind COMPENSATION, pointing at the step it undoes), so a crash or a retry
 * resumes where compensating stopped and never undoes a step twice once recorded.
 */
public final class Compensator {

    private static final Logger log = LoggerFactory.getLogger(Compensator.class);

    private final SagaRegistry registry;
    private final StepStore ledger;
    private final PayloadCodec codec;
    private final RetryPolicies policies;
    private final DurableRetry retry;
    private final PlatformTransactionManager transactionManager;
    private final Function<String, Object> beans;
    private final SagaClock clock;

    public Compensator(SagaRegistry registry, StepStore ledger, PayloadCodec codec, RetryPolicies policies,
            PlatformTransactionManager transactionManager, Duration maxInlineWait, Function<String, Object> beans,
            SagaClock clock) {
        this.clock = clock;
        this.registry = registry;
        this.ledger = ledger;
        this.codec = codec;
        this.policies = policies;
        this.retry = new DurableRetry(maxInlineWait);
        this.transactionManager = transactionManager;
        this.beans = beans;
    }

    /**
     * Undoes what is left to undo of the steps recorded before {@code beforeSeq}: every completed
     * step with a compensation, and every step that failed for good but may have taken effect (it
     * is not transactional, and its failure is not one of its {@code noEffectOn} exceptions).
     *
     * @param run the saga's run, for the idempotency keys
     * @throws FencedOffException if this node lost its claim meanwhile
     * @throws EngineWriteException if recording failed or its commit is in doubt (not the
     *     compensation's failure: the run must end and be tried again)
     */
    public CompensationOutcome compensate(Fence fence, String sagaName, int run, int beforeSeq) {
        List<StepRecord> history = ledger.steps(fence.sagaId());
        Map<Integer, StepRecord> compensations = new HashMap<>();
        history.stream().filter(row -> row.kind() == StepKind.COMPENSATION)
                .forEach(row -> compensations.put(row.compensates(), row));
        int nextSeq = history.isEmpty() ? 0 : history.get(history.size() - 1).seq() + 1;
        var steps = new ArrayList<>(history.stream()
                .filter(row -> row.kind() == StepKind.STEP && row.seq() < beforeSeq).toList());
        Collections.reverse(steps);
        for (StepRecord step : steps) {
            var definition = registry.step(step.name()).orElse(null);
            if (definition == null) {
                return new CompensationOutcome.Failed("Cannot compensate step '" + step.name() + "' (#" + step.seq()
                        + "): no such step is deployed on this node");
            }
            if (!needsUndo(definition, step)) {
                continue;
            }
            var row = compensations.get(step.seq());
            if (row == null) {
                row = StepRecord.started(fence.sagaId(), nextSeq++, StepKind.COMPENSATION, step.name(), step.seq(),
                        null, clock.now());
            }
            var outcome = compensateOne(fence, sagaName, run, definition, step, row);
            if (outcome != null) {
                return outcome;
            }
        }
        return new CompensationOutcome.Compensated(nextSeq);
    }

    /** The name of a pivot step the saga completed, if any: past it, nothing is undone. */
    public java.util.Optional<String> completedPivot(java.util.UUID sagaId) {
        return ledger.steps(sagaId).stream()
                .filter(row -> row.kind() == StepKind.STEP && row.status() == StepStatus.COMPLETED)
                .filter(row -> registry.step(row.name()).map(StepDefinition::pivot).orElse(false))
                .map(StepRecord::name).findFirst();
    }

    private static boolean needsUndo(StepDefinition definition, StepRecord step) {
        if (!definition.compensable()) {
            return false;
        }
        return switch (step.status()) {
            case COMPLETED -> true;
            // a transactional step that failed rolled back; any other may have taken effect
            case FAILED -> !definition.transactional() && !step.noEffect();
            // waiting for a retry when the saga was cancelled: a failed attempt may have taken effect
            case RETRYING -> !definition.transactional() && step.attemptCount() > 0 && !step.noEffect();
        };
    }

    /** Returns null when the step is undone, else why compensating stops here. */
    private @Nullable CompensationOutcome compensateOne(Fence fence, String sagaName, int run,
            StepDefinition definition, StepRecord step, StepRecord row) {
        switch (row.status()) {
            case COMPLETED -> {
                return null;
            }
            case FAILED -> {
                return new CompensationOutcome.Failed(failedMessage(row));
            }
            case RETRYING -> {
                if (row.nextAttemptAt() != null && row.nextAttemptAt().isAfter(clock.now())) {
                    return new CompensationOutcome.RetryLater(Duration.between(clock.now(), row.nextAttemptAt()));
                }
            }
        }
        @Nullable Object[] arguments = arguments(definition, step);
        var state = new Object() {
            StepRecord current = row;
            Instant startedAt = clock.now();
        };
        var outcome = retry.run(policies.forStep(sagaName, definition), row.attemptCount(), number -> {
            state.startedAt = clock.now();
            state.current = invoke(fence, run, definition, state.current, state.startedAt, arguments);
            return state.current;
        }, (number, error, retryIn) -> {
            var now = clock.now();
            state.current = state.current.failed(ErrorText.of(error), state.startedAt, now,
                    retryIn == null ? null : now.plus(retryIn), false);
            log.warn("Saga {} compensation of {} attempt {} failed{}: {}", fence.sagaId(), definition.name(), number,
                    retryIn == null ? " for good" : ", retrying in " + retryIn, state.current.error());
            var failed = state.current;
            EffectTransaction.record(null, "the compensation of step '" + failed.name() + "'",
                    () -> ledger.record(fence, failed));
        }, FencedOffException.class, EngineWriteException.class);
        if (outcome instanceof DurableRetry.Outcome.RetryLater<StepRecord> later) {
            return new CompensationOutcome.RetryLater(later.delay());
        }
        if (outcome instanceof DurableRetry.Outcome.Exhausted<StepRecord>) {
            return new CompensationOutcome.Failed(failedMessage(state.current));
        }
        return null;
    }

    /** Runs the compensation and records its success, in one transaction when it is transactional. */
    private StepRecord invoke(Fence fence, int run, StepDefinition definition, StepRecord row, Instant startedAt,
            @Nullable Object[] arguments) throws Throwable {
        var bean = beans.apply(definition.beanName());
        var method = definition.compensation();
        ReflectionUtils.makeAccessible(method);
        var transaction = definition.compensationTransaction();
        return EffectTransaction.run(transactionManager, transaction, "compensation of step '" + row.name() + "'", () -> {
            var previous = SagaContextHolder.bind(new StepScopeContext(fence.sagaId(), run, row.seq(), row.compensates(),
                    clock));
            try {
                method.invoke(bean, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                SagaContextHolder.restore(previous);
            }
            var done = row.succeeded(null, startedAt, clock.now());
            EffectTransaction.record(transaction, "the compensation of step '" + row.name() + "'",
                    () -> ledger.record(fence, done));
            return done;
        });
    }

    private @Nullable Object[] arguments(StepDefinition definition, StepRecord step) {
        var method = definition.method();
        @Nullable Object[] stepArguments = codec.readArguments(step.args(), method.getGenericParameterTypes(),
                "arguments of " + step.name());
        if (!definition.compensationTakesResult()) {
            return stepArguments;
        }
        var withResult = java.util.Arrays.copyOf(stepArguments, stepArguments.length + 1);
        // a step that failed has no result: its compensation gets null and must cope with "nothing happened"
        withResult[stepArguments.length] = step.status() == StepStatus.COMPLETED
                ? codec.read(step.result(), method.getGenericReturnType(), "result of " + step.name())
                : null;
        return withResult;
    }

    private static String failedMessage(StepRecord row) {
        return "Compensation of step '" + row.name() + "' (#" + row.compensates() + ") failed after "
                + row.attemptCount() + " attempt(s): " + row.error();
    }
}
