package dev.saga.internal.dispatch;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;

import dev.saga.internal.ledger.OutageLog;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.time.SagaClock;

/**
 * Claims due work for free workers, never more sagas than there are free workers: every poll
 * interval (which also cancels sagas whose deadline passed), at once when work was added on this
 * node, and when a worker became free while due work may be waiting. Polls run on the
 * dispatcher's scheduler, whose one thread keeps them from overlapping.
 */
final class OutboxPoller {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final ClaimStore claims;
    private final DispatcherSettings settings;
    private final SagaClock clock;
    private final TaskScheduler scheduler;
    private final WorkerSlots slots;
    private final WorkerPool workers;
    private final OutageLog deadlineFailures;
    private final OutageLog claimFailures;
    private final AtomicBoolean pollRequested = new AtomicBoolean();
    /** The last poll may have left due work behind: look again as soon as a worker is free. */
    private volatile boolean moreMayBeDue = true;
    private volatile boolean active;
    private volatile @Nullable Instant lastSuccessfulPoll;
    /** Every lease written since the dispatcher started ends at this time or later. */
    private volatile Instant ownLeasesFrom = Instant.MAX;

    OutboxPoller(ClaimStore claims, DispatcherSettings settings, SagaClock clock, TaskScheduler scheduler,
            WorkerSlots slots, WorkerPool workers) {
        this.claims = claims;
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
        this.slots = slots;
        this.workers = workers;
        var dispatcher = "Saga dispatcher on node " + settings.nodeId();
        var retried = "It is tried again every " + settings.pollInterval();
        this.deadlineFailures = new OutageLog(log, dispatcher, "check deadlines", retried);
        this.claimFailures = new OutageLog(log, dispatcher, "claim work", retried);
    }

    void activate() {
        ownLeasesFrom = clock.now().plus(settings.lease());
        active = true;
    }

    void deactivate() {
        active = false;
    }

    @Nullable Instant lastSuccessfulPoll() {
        return lastSuccessfulPoll;
    }

    /** Polls now, on the scheduler's thread, unless a poll is requested already. */
    void pollSoon() {
        if (active && pollRequested.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::poll, Instant.now());
            } catch (RuntimeException rejected) {
                pollRequested.set(false); // stopping
            }
        }
    }

    /** A worker became free: poll at once if the last poll may have left due work behind. */
    void workerFreed() {
        if (moreMayBeDue) {
            pollSoon();
        }
    }

    /** The timed poll: also cancels sagas whose deadline passed (at most one poll interval late). */
    void scheduledPoll() {
        if (!active) {
            return;
        }
        try {
            int expired = claims.expireDeadlines(clock.now());
            if (expired > 0) {
                log.info("Cancelled {} sagas whose deadline passed", expired);
            }
            deadlineFailures.succeeded();
        } catch (RuntimeException e) {
            deadlineFailures.failed(e);
        }
        poll();
    }

    private void poll() {
        pollRequested.set(false);
        if (!active) {
            return;
        }
        int free = slots.takeFree();
        if (free == 0) {
            moreMayBeDue = true;
            lastSuccessfulPoll = Instant.now(); // busy is healthy
            return;
        }
        int used = 0;
        try {
            var now = clock.now(); // before the copy: a saga started here after it has a later lease than this claim's
            var heldHere = slots.heldHere();
            var claimed = claims.claim(settings.nodeId(), free, now, now.plus(settings.lease()), ownLeasesFrom,
                    heldHere);
            moreMayBeDue = claimed.size() == free;
            for (Claim claim : claimed) {
                slots.claimed(claim.sagaId());
                used++;
                if (!workers.runLater(claim)) {
                    slots.ended(claim.sagaId()); // the node stops: its lease runs out and a node resumes it
                }
            }
            lastSuccessfulPoll = Instant.now();
            claimFailures.succeeded();
        } catch (RuntimeException e) {
            claimFailures.failed(e);
        } finally {
            slots.giveBack(free - used); // the workers no claim needed
        }
    }
}
