package dev.saga.internal.dispatch;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.node.ReservedWorker;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.time.SagaClock;

/**
 * Workers held for sagas being started on this node: the start writes its saga already claimed
 * by this node and hands it to the held worker after the commit, without a poll and a claim.
 */
final class HeldWorkers {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final ClaimStore claims;
    private final DispatcherSettings settings;
    private final SagaClock clock;
    private final WorkerSlots slots;
    private final WorkerPool workers;
    private final LocalCompletions completions;

    HeldWorkers(ClaimStore claims, DispatcherSettings settings, SagaClock clock, WorkerSlots slots,
            WorkerPool workers, LocalCompletions completions) {
        this.claims = claims;
        this.settings = settings;
        this.clock = clock;
        this.slots = slots;
        this.workers = workers;
        this.completions = completions;
    }

    /** A free worker held for the saga, or empty when none is free. */
    Optional<ReservedWorker> reserve(UUID sagaId) {
        if (!slots.reserve(sagaId)) {
            return Optional.empty();
        }
        // the lease is read after the reservation: a poll whose copy missed it began earlier, and
        // takes back only own leases that end before its own
        return Optional.of(new HeldWorker(sagaId, clock.now().plus(settings.lease())));
    }

    /**
     * A worker held for a saga being started here. Its lease was computed at {@code start()}; the
     * start may commit much later, roll back to a savepoint, or never tell, so the worker runs
     * nothing before one statement confirmed that the saga exists, is still this node's claim,
     * and has a fresh lease.
     */
    private final class HeldWorker implements ReservedWorker {
        private final UUID sagaId;
        private final Instant leaseEnd;
        private final AtomicBoolean handedOver = new AtomicBoolean();

        HeldWorker(UUID sagaId, Instant leaseEnd) {
            this.sagaId = sagaId;
            this.leaseEnd = leaseEnd;
        }

        @Override
        public String nodeId() {
            return settings.nodeId();
        }

        @Override
        public Instant leaseEnd() {
            return leaseEnd;
        }

        @Override
        public void run(InstanceRecord started) {
            if (handedOver.compareAndSet(false, true) && !workers.execute(() -> confirmAndRun(started))) {
                slots.unreserve(sagaId); // the node stops: the lease runs out and a node resumes the saga
            }
        }

        @Override
        public void release() {
            if (handedOver.compareAndSet(false, true)) {
                slots.unreserve(sagaId);
            }
        }

        private void confirmAndRun(InstanceRecord started) {
            boolean confirmed = false;
            try {
                confirmed = claims.confirmStartedHere(sagaId, settings.nodeId(), Claim.FIRST_FENCING,
                        clock.now().plus(settings.lease()));
            } catch (RuntimeException e) {
                log.debug("Saga {}: could not confirm its start on this node ({}); any node resumes it when its"
                        + " lease runs out", sagaId, e.getMessage());
            }
            if (!confirmed) {
                slots.unreserve(sagaId);
                completions.finished(sagaId, null);
                return;
            }
            slots.reservedNowRunning(sagaId);
            workers.run(Claim.startedHere(started));
        }
    }
}
