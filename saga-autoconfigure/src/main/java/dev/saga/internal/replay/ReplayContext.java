package dev.saga.internal.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.compensation.StepScopeContext;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.spi.SagaContext;

/**
 * What {@code Sagas} and the step interceptor reach while a saga's entry method runs: bound to the
 * saga's thread for the run, it hands each call, at the run's cursor, to the step call, the waits,
 * the primitives or the compensation so far.
 */
public final class ReplayContext implements SagaContext {

    private final ReplayCursor cursor;
    private final SagaExecution execution;
    private final StepCall steps;
    private final DurableWaits waits;
    private final Primitives primitives;
    private final CompensateSoFar compensation;

    ReplayContext(ReplayCursor cursor, StepCall steps, DurableWaits waits, Primitives primitives,
            CompensateSoFar compensation) {
        this.cursor = cursor;
        this.execution = cursor.execution();
        this.steps = steps;
        this.waits = waits;
        this.primitives = primitives;
        this.compensation = compensation;
    }

    /** Where the run is in its history. */
    ReplayCursor cursor() {
        return cursor;
    }

    /** The context bound to the calling thread, if a saga's entry method runs on it. */
    public static Optional<ReplayContext> current() {
        return SagaContext.current().filter(ReplayContext.class::isInstance).map(ReplayContext.class::cast);
    }

    /**
     * Whether a {@code @Step} called now is a durable step. Inside a running step, calls of other
     * steps are part of that step and run as plain method calls.
     */
    public boolean acceptsSteps() {
        return !execution.inStep();
    }

    /** Runs or replays the step at the next sequence number. */
    public @Nullable Object callStep(StepDefinition step, @Nullable Object[] arguments, StepInvocation method) {
        return steps.call(cursor, step, arguments, method);
    }

    /** The name of the saga that runs. */
    public String sagaName() {
        return execution.saga().name();
    }

    /**
     * The error that ends this node's work on the saga where it is thrown, as a crash would: the
     * run records nothing more and the claim is left to its lease.
     */
    public Error abandonment(String why) {
        return new SagaControl.Abandon(why);
    }

    @Override
    public UUID sagaId() {
        return execution.sagaId();
    }

    @Override
    public String idempotencyKey() {
        if (!execution.inStep()) {
            throw new IllegalStateException("Sagas.idempotencyKey() is available inside a @Step or @Compensate method"
                    + " only; call it from the step that passes it on");
        }
        return StepScopeContext.idempotencyKey(execution.sagaId(), execution.run(), execution.stepSeq());
    }

    @Override
    public String idempotencyKeyOfCompensatedStep() {
        throw new IllegalStateException("Sagas.idempotencyKeyOfCompensatedStep() is available inside a @Compensate"
                + " method only");
    }

    @Override
    public Instant now() {
        return primitives.now(cursor);
    }

    @Override
    public UUID randomUUID() {
        return primitives.randomUUID(cursor);
    }

    @Override
    public boolean patched(String changeId) {
        SqlSupport.storableText(changeId, "changeId");
        return primitives.patched(cursor, changeId);
    }

    @Override
    public void compensate() {
        compensation.compensate(cursor);
    }

    @Override
    public Optional<Object> awaitSignal(String signalName, Class<?> payloadType, Duration timeout) {
        SqlSupport.storableText(signalName, "signalName"); // the wait is a ledger row named after it
        return waits.awaitSignal(cursor, signalName, payloadType, timeout);
    }

    @Override
    public void sleep(Duration duration) {
        waits.sleep(cursor, duration);
    }

    @Override
    public void continueAsNew(@Nullable Object input) {
        execution.requireEntryMethod("continueAsNew");
        throw new SagaControl.ContinueAsNew(input);
    }
}
