package dev.saga.internal.replay;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.SagaStatus;
import dev.saga.internal.compensation.CompensationOutcome;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FinishedSaga;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.time.SagaClock;

/**
 * The ways a run ends, each written with its outbox change: finished with a terminal status,
 * parked for an operator, released until its work is due again, or undone by the compensations.
 */
final class RunEndings {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);

    private final InstanceStore instances;
    private final OutboxStore outbox;
    private final Compensator compensator;
    private final TransactionTemplate transaction;
    private final SagaClock clock;
    private final SagaEvents events;
    private final String nodeId;

    RunEndings(InstanceStore instances, OutboxStore outbox, Compensator compensator, TransactionTemplate transaction,
            SagaClock clock, SagaEvents events, String nodeId) {
        this.instances = instances;
        this.outbox = outbox;
        this.compensator = compensator;
        this.transaction = transaction;
        this.clock = clock;
        this.events = events;
        this.nodeId = nodeId;
    }

    /** Records the terminal status and removes the saga's work, in one statement. */
    RunOutcome finish(Fence fence, SagaStatus status, @Nullable String outputJson, @Nullable String error) {
        var now = clock.now();
        var finished = instances.finish(fence, status, outputJson, error, now);
        events.sagaFinished(finished.name(), status, Duration.between(finished.createdAt(), now));
        return new RunOutcome.Finished(new FinishedSaga(finished.name(), status, finished.output(), finished.error()));
    }

    RunOutcome park(Fence fence, String reason) {
        log.error("Saga {} parked: {}", fence.sagaId(), reason);
        return finish(fence, SagaStatus.PARKED, null, reason);
    }

    RunOutcome release(Claim claim, Duration resumeAfter) {
        var now = clock.now();
        transaction.executeWithoutResult(status -> requireClaim(new Fence(claim.sagaId(), claim.fencing(), nodeId),
                outbox.release(claim, nodeId, now.plus(resumeAfter), now)));
        return new RunOutcome.Suspended(resumeAfter);
    }

    /** Records the saga COMPENSATING, unless a cancel would undo it past a completed pivot step. */
    RunOutcome startCompensating(Claim claim, Fence fence, String sagaName, int run, String error,
            boolean cancelled) {
        if (cancelled) {
            var pivot = compensator.completedPivot(fence.sagaId());
            if (pivot.isPresent()) {
                return park(fence, error + "; but pivot step '" + pivot.get() + "' completed, so the saga is not"
                        + " undone past its point of no return: finish or fix it by hand");
            }
        }
        transaction.executeWithoutResult(status -> instances.updateStatus(fence, SagaStatus.COMPENSATING, null, error,
                clock.now()));
        return compensate(claim, fence, sagaName, run, error, cancelled);
    }

    RunOutcome compensate(Claim claim, Fence fence, String sagaName, int run, @Nullable String sagaError,
            boolean cancelled) {
        var outcome = compensator.compensate(fence, sagaName, run, Integer.MAX_VALUE);
        if (outcome instanceof CompensationOutcome.Compensated) {
            var finished = finish(fence, cancelled ? SagaStatus.CANCELLED : SagaStatus.COMPENSATED, null, null);
            log.info("Saga {} {}", fence.sagaId(), cancelled ? "cancelled and compensated" : "compensated");
            return finished;
        }
        if (outcome instanceof CompensationOutcome.RetryLater later) {
            return release(claim, later.delay());
        }
        var failed = (CompensationOutcome.Failed) outcome;
        log.error("Saga {} FAILED: {}", fence.sagaId(), failed.error());
        return finish(fence, SagaStatus.FAILED, null, failed.error()
                + (sagaError == null ? "" : " (the saga had failed with: " + sagaError + ")"));
    }

    static String cancelled(String reason) {
        return "Cancelled: " + reason;
    }

    static void requireClaim(Fence fence, boolean held) {
        if (!held) {
            throw new FencedOffException(fence.sagaId(), fence.fencing());
        }
    }
}
