package dev.saga.internal.dispatch;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.saga.internal.ledger.OutageLog;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.time.SagaClock;

/**
 * Renews the leases of the sagas this node's workers run, every third of a lease, so that a
 * live node keeps them. A saga held for a start that has not committed yet is not renewed: its
 * worker writes a fresh lease when it confirms the start.
 */
final class LeaseRenewer {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final ClaimStore claims;
    private final DispatcherSettings settings;
    private final SagaClock clock;
    private final WorkerSlots slots;
    private final OutageLog renewFailures;

    LeaseRenewer(ClaimStore claims, DispatcherSettings settings, SagaClock clock, WorkerSlots slots) {
        this.claims = claims;
        this.settings = settings;
        this.clock = clock;
        this.slots = slots;
        this.renewFailures = new OutageLog(log, "Saga dispatcher on node " + settings.nodeId(), "renew leases",
                "It is tried again every " + every());
    }

    Duration every() {
        return settings.lease().dividedBy(3);
    }

    void renew() {
        if (slots.runningCount() == 0) {
            return;
        }
        try {
            claims.renew(settings.nodeId(), slots.running(), () -> clock.now().plus(settings.lease()));
            renewFailures.succeeded();
        } catch (RuntimeException e) {
            renewFailures.failed(e);
        }
    }
}
