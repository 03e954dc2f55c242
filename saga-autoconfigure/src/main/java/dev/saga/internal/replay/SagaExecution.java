package dev.saga.internal.replay;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.ledger.Fence;

/**
 * The state of one run of one saga: which saga and run, the fence its writes go under, whether it
 * was asked to stop, the pivot step it passed, and the step that executes now on its thread.
 */
final class SagaExecution {

    private final Fence fence;
    private final SagaDefinition saga;
    private final int run;
    private @Nullable String completedPivot;
    private @Nullable Integer stepSeq;
    /** Seen by whichever thread records: a timed step records its success on a thread of its own. */
    private volatile @Nullable String cancelReason;

    SagaExecution(Fence fence, SagaDefinition saga, int run) {
        this.fence = fence;
        this.saga = saga;
        this.run = run;
    }

    Fence fence() {
        return fence;
    }

    UUID sagaId() {
        return fence.sagaId();
    }

    SagaDefinition saga() {
        return saga;
    }

    /** The saga's run (1, raised by every continue-as-new), part of every idempotency key. */
    int run() {
        return run;
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

    void pivotCompleted(String stepName) {
        completedPivot = stepName;
    }

    /** The pivot step that completed in this saga, or null: after it, failures are not compensated. */
    @Nullable String completedPivot() {
        return completedPivot;
    }

    void enterStep(int seq) {
        stepSeq = seq;
    }

    void leaveStep() {
        stepSeq = null;
    }

    /** Whether a step runs on the saga's thread now: its inner calls are part of it, not recorded. */
    boolean inStep() {
        return stepSeq != null;
    }

    /** The sequence number of the step that runs now; only while {@link #inStep()}. */
    int stepSeq() {
        return stepSeq;
    }

    void requireEntryMethod(String call) {
        if (inStep()) {
            throw new IllegalStateException("Sagas." + call + "(...) belongs in the saga's entry method, not in a step");
        }
    }
}
