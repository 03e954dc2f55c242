package dev.saga.internal.replay;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.CompensationOutcome;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.time.SagaClock;

/**
 * {@code Sagas.compensate()}: undoes the steps so far and lets the saga go on. A marker row holds
 * the place; once done it records how many compensation rows follow it, so a replay skips them.
 */
final class CompensateSoFar {

    private final Compensator compensator;
    private final PayloadCodec codec;
    private final SagaClock clock;

    CompensateSoFar(Compensator compensator, PayloadCodec codec, SagaClock clock) {
        this.compensator = compensator;
        this.codec = codec;
        this.clock = clock;
    }

    void compensate(ReplayCursor cursor) {
        var execution = cursor.execution();
        execution.requireEntryMethod("compensate");
        if (execution.completedPivot() != null) {
            throw new IllegalStateException("Sagas.compensate() after pivot step '" + execution.completedPivot()
                    + "' completed: a saga cannot be undone past its point of no return");
        }
        int seq = cursor.next();
        StepRecord marker = cursor.replay(seq, StepKind.COMPENSATE, "compensate");
        if (marker == null) {
            marker = StepRecord.started(execution.sagaId(), seq, StepKind.COMPENSATE, "compensate", null, null,
                    clock.now());
            cursor.record(marker);
        } else if (marker.status() == StepStatus.COMPLETED) {
            cursor.skipTo(seq + 1 + (Integer) codec.read(marker.result(), Integer.class, "compensate"));
            return;
        } else {
            cursor.requireSettled(marker); // a replay check stops at compensations still under way
        }
        var outcome = EngineWrites.fenced(() -> compensator.compensate(execution.fence(), execution.saga().name(),
                execution.run(), seq));
        if (outcome instanceof CompensationOutcome.RetryLater later) {
            throw new SagaControl.Suspend(later.delay());
        }
        if (outcome instanceof CompensationOutcome.Failed failed) {
            throw new SagaControl.Fail(failed.error());
        }
        int nextSeq = ((CompensationOutcome.Compensated) outcome).nextSeq();
        cursor.record(marker.succeeded(codec.write(nextSeq - seq - 1, "compensate"), marker.startedAt(), clock.now()));
        cursor.skipTo(nextSeq);
    }
}
