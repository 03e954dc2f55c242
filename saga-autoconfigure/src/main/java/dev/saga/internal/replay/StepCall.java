package dev.saga.internal.replay;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.saga.SagaPayloadException;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.retry.DurableRetry;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaListener;

/**
 * A {@code @Step} called from a saga's entry method: its recorded outcome on replay, else its
 * attempts through the durable retry loop, each failure recorded before the next attempt.
 */
final class StepCall {

    private static final Logger log = LoggerFactory.getLogger(StepCall.class);

    private final PayloadCodec codec;
    private final RetryPolicies policies;
    private final DurableRetry retry;
    private final StepAttempts attempts;
    private final DurableWaits waits;
    private final SagaEvents events;
    private final SagaClock clock;

    StepCall(PayloadCodec codec, RetryPolicies policies, DurableRetry retry, StepAttempts attempts,
            DurableWaits waits, SagaEvents events, SagaClock clock) {
        this.codec = codec;
        this.policies = policies;
        this.retry = retry;
        this.attempts = attempts;
        this.waits = waits;
        this.events = events;
        this.clock = clock;
    }

    @Nullable Object call(ReplayCursor cursor, StepDefinition step, @Nullable Object[] arguments,
            StepInvocation method) {
        var execution = cursor.execution();
        int seq = cursor.next();
        StepRecord row = cursor.replay(seq, StepKind.STEP, step.name());
        if (cursor.checking()) {
            return checked(cursor, step, Objects.requireNonNull(row));
        }
        if (row == null) {
            row = StepRecord.started(execution.sagaId(), seq, StepKind.STEP, step.name(), null,
                    writeArguments(step, arguments), clock.now());
        } else {
            switch (row.status()) {
                case COMPLETED -> {
                    return completed(execution, step, row);
                }
                case FAILED -> throw ErrorText.recreate(row.error(), step.beanClass().getClassLoader());
                case RETRYING -> waits.until(row.nextAttemptAt());
            }
        }
        // a result that cannot be stored fails the same way again: not worth a retry
        var policy = policies.forStep(execution.saga().name(), step).neverRetrying(SagaPayloadException.class);
        var attempt = new AttemptState(cursor, step, policy, method, row, clock.now());
        var outcome = retry.run(policy, row.attemptCount(),
                number -> events.observeStep(execution.saga().name(), step.name(), () -> attempts.run(attempt),
                        error -> error instanceof SagaControl || error instanceof VirtualMachineError ? "stopped"
                                : policy.retriesAfter(number, error) ? "retrying" : "failed"),
                (number, error, retryIn) -> recordFailure(attempt, error, retryIn), SagaControl.class);
        if (outcome instanceof DurableRetry.Outcome.Succeeded<@Nullable Object> succeeded) {
            stepAttempted(execution, attempt.row(), SagaListener.StepOutcome.COMPLETED); // after its commit
            if (step.pivot()) {
                execution.pivotCompleted(step.name());
            }
            execution.stopIfCancelled();
            return succeeded.value();
        }
        if (outcome instanceof DurableRetry.Outcome.RetryLater<@Nullable Object> later) {
            throw new SagaControl.Suspend(later.delay());
        }
        throw sneaky(((DurableRetry.Outcome.Exhausted<@Nullable Object>) outcome).error());
    }

    /** Refused here, before the step runs, when its compensation could not read them back. */
    private String writeArguments(StepDefinition step, @Nullable Object[] arguments) {
        var what = "arguments of step '" + step.name() + "'";
        return step.compensation() == null ? codec.writeArguments(arguments, what)
                : codec.writeArguments(arguments, step.method().getGenericParameterTypes(), what);
    }

    /**
     * A recorded step in a replay check: its recorded arguments and result read with today's
     * types (a parameter or return type that cannot read them is a divergence), then its recorded
     * outcome; an outcome not yet recorded ends the check. The step never runs.
     */
    private @Nullable Object checked(ReplayCursor cursor, StepDefinition step, StepRecord row) {
        var parameters = step.method().getParameters();
        var types = step.method().getGenericParameterTypes();
        var recorded = codec.elements(row.args());
        if (recorded.size() != parameters.length) {
            throw cursor.diverged(row, "STEP '" + step.name() + "' taking " + parameters.length + " parameter(s) "
                    + Arrays.stream(types).map(Type::getTypeName).toList() + ", but " + recorded.size()
                    + " argument(s) were recorded");
        }
        for (int i = 0; i < parameters.length; i++) {
            var unreadable = codec.unreadable(recorded.get(i), types[i]);
            if (unreadable != null) {
                throw cursor.diverged(row, "STEP '" + step.name() + "' whose parameter " + (i + 1) + " ("
                        + parameters[i].getName() + ", " + types[i].getTypeName() + ") cannot read recorded argument "
                        + (i + 1) + ": " + unreadable);
            }
        }
        cursor.requireSettled(row);
        if (row.status() == StepStatus.FAILED) {
            throw ErrorText.recreate(row.error(), step.beanClass().getClassLoader());
        }
        var returnType = step.method().getGenericReturnType();
        var unreadable = row.result() == null || returnType == void.class ? null
                : codec.unreadable(row.result(), returnType);
        if (unreadable != null) {
            throw cursor.diverged(row, "STEP '" + step.name() + "' returning " + returnType.getTypeName()
                    + ", which cannot read the recorded result: " + unreadable);
        }
        return completed(cursor.execution(), step, row);
    }

    private @Nullable Object completed(SagaExecution execution, StepDefinition step, StepRecord row) {
        if (step.pivot()) {
            execution.pivotCompleted(step.name());
        }
        return codec.read(row.result(), step.method().getGenericReturnType(), "result of " + step.name());
    }

    private void recordFailure(AttemptState attempt, Throwable error, @Nullable Duration retryIn) {
        var now = clock.now();
        var row = attempt.row().failed(ErrorText.of(error), attempt.startedAt(), now,
                retryIn == null ? null : now.plus(retryIn), RetryPolicy.matches(attempt.step().noEffectOn(), error));
        var execution = attempt.cursor().execution();
        log.warn("Saga {} step {} attempt {} failed{}: {}", execution.sagaId(), row.name(), row.attemptCount(),
                retryIn == null ? " for good" : ", retrying in " + retryIn, row.error());
        attempt.cursor().record(row);
        attempt.recorded(row);
        stepAttempted(execution, row, retryIn == null ? SagaListener.StepOutcome.FAILED
                : SagaListener.StepOutcome.RETRYING);
    }

    private void stepAttempted(SagaExecution execution, StepRecord row, SagaListener.StepOutcome outcome) {
        var last = row.attempts().get(row.attempts().size() - 1);
        events.stepAttempted(execution.saga().name(), row.name(), outcome,
                Duration.between(last.startedAt(), last.endedAt()));
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable error) throws E {
        throw (E) error;
    }
}
