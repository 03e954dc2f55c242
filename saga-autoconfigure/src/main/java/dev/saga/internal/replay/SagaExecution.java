package dev.saga.internal.replay;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.saga.internal.compensation.StepScopeContext;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.spi.SagaContext;

/**
 * One run of one saga on one thread: the history loaded when the run began, the sequence cursor,
 * and the step being executed. Bound as the thread's {@link SagaContext} while the run lasts.
 */
public final class SagaExecution implements SagaContext {

    private final Fence fence;
    private final SagaDefinition saga;
    private final Map<Integer, StepRecord> history = new HashMap<>();
    private final ReplayEngine engine;
    private final int run;
    private int nextSeq;
    private Integer activeSeq;
    private String completedPivot;
    private volatile String cancelReason;

    SagaExecution(Fence fence, SagaDefinition saga, int run, List<StepRecord> recorded, ReplayEngine engine) {
        this.fence = fence;
        this.run = run;
        this.saga = saga;
        this.engine = engine;
        recorded.forEach(row -> history.put(row.seq(), row));
    }

    /** The execution bound to the calling thread, if a saga's entry method runs on it. */
    public static Optional<SagaExecution> current() {
        return SagaContext.current().filter(SagaExecution.class::isInstance).map(SagaExecution.class::cast);
    }

    /**
     * Whether a {@code @Step} called now is a durable step. Inside a running step, calls of other
     * steps are part of that step and run as plain method calls.
     */
    public boolean acceptsSteps() {
        return activeSeq == null;
    }

    /** Runs or replays the step at the next sequence number. */
    public Object callStep(StepDefinition step, Object[] arguments, ReplayEngine.Proceed proceed) {
        return engine.callStep(this, step, arguments, proceed);
    }

    Fence fence() {
        return fence;
    }

    int run() {
        return run;
    }

    SagaDefinition saga() {
        return saga;
    }

    int takeSeq() {
        return nextSeq++;
    }

    int peekSeq() {
        return nextSeq;
    }

    /** Notes that the saga was asked to stop (seen when its last record was written). */
    void cancelRequested(String reason) {
        cancelReason = reason;
    }

    /** Stops the saga at this step boundary if it was cancelled. */
    void stopIfCancelled() {
        if (cancelReason != null) {
            throw new SagaControl.Cancel(cancelReason);
        }
    }

    void skipTo(int seq) {
        nextSeq = seq;
    }

    void pivotCompleted(String stepName) {
        completedPivot = stepName;
    }

    /** The pivot step that completed in this saga, or null: after it, failures are not compensated. */
    public String completedPivot() {
        return completedPivot;
    }

    StepRecord recorded(int seq) {
        return history.get(seq);
    }

    void remember(StepRecord row) {
        history.put(row.seq(), row);
    }

    void enterStep(int seq) {
        activeSeq = seq;
    }

    void leaveStep() {
        activeSeq = null;
    }

    boolean inStep() {
        return activeSeq != null;
    }

    @Override
    public UUID sagaId() {
        return fence.sagaId();
    }

    @Override
    public String idempotencyKey() {
        if (activeSeq == null) {
            throw new IllegalStateException("Sagas.idempotencyKey() is available inside a @Step or @Compensate method"
                    + " only; call it from the step that passes it on");
        }
        return StepScopeContext.idempotencyKey(fence.sagaId(), run, activeSeq);
    }

    @Override
    public String idempotencyKeyOfCompensatedStep() {
        throw new IllegalStateException("Sagas.idempotencyKeyOfCompensatedStep() is available inside a @Compensate"
                + " method only");
    }

    @Override
    public Instant now() {
        return engine.now(this);
    }

    @Override
    public UUID randomUUID() {
        return engine.randomUUID(this);
    }

    @Override
    public void compensate() {
        engine.compensateSoFar(this);
    }

    @Override
    public Optional<Object> awaitSignal(String signalName, Class<?> payloadType, java.time.Duration timeout) {
        SqlSupport.storableText(signalName, "signalName"); // the wait is a ledger row named after it
        return engine.awaitSignal(this, signalName, payloadType, timeout);
    }

    @Override
    public void sleep(java.time.Duration duration) {
        engine.sleep(this, duration);
    }

    @Override
    public boolean patched(String changeId) {
        SqlSupport.storableText(changeId, "changeId");
        return engine.patched(this, changeId);
    }

    @Override
    public void continueAsNew(Object input) {
        if (inStep()) {
            throw new IllegalStateException("Sagas.continueAsNew(...) belongs in the saga's entry method, not in a step");
        }
        throw new SagaControl.ContinueAsNew(input);
    }
}
