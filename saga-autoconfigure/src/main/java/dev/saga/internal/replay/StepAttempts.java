package dev.saga.internal.replay;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionDefinition;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.CommitInDoubtException;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;

/**
 * One attempt of a step: its effect and its success record in the step's own transaction, on the
 * saga's thread, or with a timeout on a thread of its own.
 */
final class StepAttempts {

    private final PayloadCodec codec;
    private final PlatformTransactionManager transactionManager;
    private final TimedAttempts timed;
    private final SagaClock clock;

    StepAttempts(PayloadCodec codec, PlatformTransactionManager transactionManager, TimedAttempts timed,
            SagaClock clock) {
        this.codec = codec;
        this.transactionManager = transactionManager;
        this.timed = timed;
        this.clock = clock;
    }

    @Nullable Object run(AttemptState attempt) throws Throwable {
        attempt.begin(clock.now());
        if (attempt.policy().hasTimeout()) {
            return timed.run(attempt, () -> attemptAndRecord(attempt));
        }
        var execution = attempt.cursor().execution();
        execution.enterStep(attempt.row().seq());
        MDC.put("sagaStep", attempt.step().name());
        try {
            return attemptAndRecord(attempt);
        } finally {
            MDC.remove("sagaStep");
            execution.leaveStep();
        }
    }

    private @Nullable Object attemptAndRecord(AttemptState attempt) throws Throwable {
        var step = attempt.step();
        var transaction = transactionOf(step, attempt.policy());
        try {
            return EffectTransaction.run(transactionManager, transaction, "step '" + step.name() + "'", () -> {
                var result = attempt.method().proceed();
                recordSuccess(attempt, transaction, result);
                return result;
            });
        } catch (CommitInDoubtException inDoubt) {
            // maybe committed, maybe not: only the ledger knows, so the run ends and the replay reads it
            throw new SagaControl.EngineFailure(inDoubt);
        }
    }

    /**
     * The step's own transaction; with a step timeout and no transaction timeout of its own, the
     * step timeout (rounded up to seconds) becomes the transaction's, so that an abandoned attempt's
     * statements are cancelled and give back their connection and locks.
     */
    private static @Nullable TransactionDefinition transactionOf(StepDefinition step, RetryPolicy policy) {
        var declared = step.transaction();
        if (declared == null || !policy.hasTimeout() || declared.getTimeout() != TransactionDefinition.TIMEOUT_DEFAULT) {
            return declared;
        }
        var bounded = new DefaultTransactionDefinition(declared);
        bounded.setTimeout((int) Math.max(1, (policy.timeout().toMillis() + 999) / 1000));
        return bounded;
    }

    private void recordSuccess(AttemptState attempt, @Nullable TransactionDefinition transaction,
            @Nullable Object result) {
        var step = attempt.step();
        var row = attempt.row().succeeded(codec.write(result, step.method().getGenericReturnType(),
                "result of step '" + step.name() + "'"), attempt.startedAt(), clock.now());
        if (!attempt.claimSuccess()) {
            throw new IllegalStateException("Step " + step.name() + " finished after its timeout; its effect is"
                    + " rolled back where it is transactional");
        }
        attempt.cursor().recordWithEffect(transaction, "step '" + step.name() + "'", row);
        attempt.recorded(row);
    }
}
