package dev.saga.internal.dispatch;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.node.LocalNode;
import dev.saga.internal.node.ReservedWorker;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.DispatcherStatus;

/**
 * Claims due work and runs it on a bounded pool of workers (Spring's task scheduler and executor).
 * One scheduler thread polls (every poll interval, at once when work was added on this node, and
 * when a worker became free while due work may be waiting) and renews the leases of running
 * sagas; it never claims more sagas than it has free workers. A saga started on this node while a
 * worker is free is written already claimed and handed to that worker after its commit.
 */
public final class SagaDispatcher implements SmartLifecycle, LocalNode, DispatcherStatus {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final OutboxStore outbox;
    private final SagaRunner runner;
    private final DispatcherSettings settings;
    /** One permit per worker: taken before a saga is claimed or written claimed at its start. */
    private final Semaphore freeWorkers;
    /** Sagas written claimed by this node at their start, until their worker confirmed or gave them back. */
    private final Set<UUID> reserved = ConcurrentHashMap.newKeySet();
    /** Sagas a worker of this node runs (or is about to): only their leases are renewed. */
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pollRequested = new AtomicBoolean();
    /** The last poll may have left due work behind: look again as soon as a worker is free. */
    private volatile boolean moreMayBeDue = true;
    private volatile ThreadPoolTaskScheduler scheduler;
    private volatile ThreadPoolTaskExecutor workers;
    private volatile boolean active;
    private volatile java.time.Instant lastSuccessfulPoll;
    /** Every lease written since this dispatcher started ends at this time or later. */
    private volatile java.time.Instant ownLeasesFrom = java.time.Instant.MAX;

    private final SagaClock clock;
    private final LocalCompletions completions;
    private final DatabaseFailures deadlineFailures;
    private final DatabaseFailures claimFailures;
    private final DatabaseFailures renewFailures;

    public SagaDispatcher(OutboxStore outbox, SagaRunner runner, DispatcherSettings settings, SagaClock clock,
            LocalCompletions completions) {
        this.clock = clock;
        this.completions = completions;
        var node = settings.nodeId();
        this.deadlineFailures = new DatabaseFailures(log, node, "check deadlines", settings.pollInterval());
        this.claimFailures = new DatabaseFailures(log, node, "claim work", settings.pollInterval());
        this.renewFailures = new DatabaseFailures(log, node, "renew leases", settings.lease().dividedBy(3));
        this.outbox = outbox;
        this.runner = runner;
        this.settings = settings;
        this.freeWorkers = new Semaphore(settings.workerThreads());
    }

    @Override
    public synchronized void start() {
        if (active) {
            return;
        }
        workers = new ThreadPoolTaskExecutor();
        workers.setCorePoolSize(settings.workerThreads());
        workers.setMaxPoolSize(settings.workerThreads());
        workers.setThreadNamePrefix("saga-worker-");
        workers.setPrestartAllCoreThreads(true); // a fixed set of threads, whatever the load
        workers.initialize();
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("saga-dispatcher-");
        scheduler.initialize();
        ownLeasesFrom = clock.now().plus(settings.lease());
        active = true;
        scheduler.scheduleWithFixedDelay(this::scheduledPoll, settings.pollInterval());
        var renewEvery = settings.lease().dividedBy(3);
        scheduler.scheduleWithFixedDelay(this::renewLeases, java.time.Instant.now().plus(renewEvery), renewEvery);
        log.info("Saga dispatcher started on node {} with {} workers", settings.nodeId(), settings.workerThreads());
    }

    /**
     * Stops claiming, lets running sagas finish for up to the shutdown timeout (renewing their
     * leases meanwhile), then leaves what still runs to its lease: another node (or this one,
     * restarted) takes it over.
     */
    @Override
    public synchronized void stop() {
        if (!active) {
            return;
        }
        active = false; // no more polls; the scheduler goes on renewing leases until the workers are done
        var pool = workers.getThreadPoolExecutor();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Saga dispatcher stopped with {} sagas still running; their leases will run out and"
                        + " another node resumes them", running.size());
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            scheduler.getScheduledExecutor().shutdownNow();
        }
        log.info("Saga dispatcher stopped on node {}", settings.nodeId());
    }

    /**
     * Stops at once, as a crash would: no more polls or lease renewals, running sagas are
     * abandoned where they are and nothing is released.
     */
    public synchronized void halt() {
        active = false;
        if (scheduler != null) {
            scheduler.getScheduledExecutor().shutdownNow();
        }
        if (workers != null) {
            workers.getThreadPoolExecutor().shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    /** Sagas and compensations are stopped late and started early compared to web servers. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    @Override
    public void workAdded() {
        if (active && pollRequested.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::poll);
            } catch (RuntimeException rejected) {
                pollRequested.set(false); // stopping
            }
        }
    }

    /** How many sagas this node is running now. */
    public int runningCount() {
        return running.size();
    }

    public String nodeId() {
        return settings.nodeId();
    }

    @Override
    public java.time.Instant lastSuccessfulPoll() {
        return lastSuccessfulPoll;
    }

    @Override
    public java.time.Duration pollInterval() {
        return settings.pollInterval();
    }

    @Override
    public Optional<ReservedWorker> reserveWorker(UUID sagaId) {
        if (!active || !freeWorkers.tryAcquire()) {
            return Optional.empty();
        }
        if (!reserved.add(sagaId)) {
            freeWorkers.release();
            return Optional.empty();
        }
        var leaseEnd = clock.now().plus(settings.lease());
        return Optional.of(new HeldWorker(sagaId, leaseEnd));
    }

    /**
     * A worker held for a saga being started here. Its lease was computed at {@code start()}; the
     * start may commit much later, roll back to a savepoint, or never tell, so the worker runs
     * nothing before one statement confirmed that the saga exists, is still this node's claim,
     * and has a fresh lease.
     */
    private final class HeldWorker implements ReservedWorker {
        private final UUID sagaId;
        private final java.time.Instant leaseEnd;
        private final AtomicBoolean handedOver = new AtomicBoolean();

        HeldWorker(UUID sagaId, java.time.Instant leaseEnd) {
            this.sagaId = sagaId;
            this.leaseEnd = leaseEnd;
        }

        @Override
        public String nodeId() {
            return settings.nodeId();
        }

        @Override
        public java.time.Instant leaseEnd() {
            return leaseEnd;
        }

        @Override
        public void run(InstanceRecord started) {
            if (!handedOver.compareAndSet(false, true)) {
                return;
            }
            try {
                workers.execute(() -> confirmAndRun(started));
            } catch (RuntimeException stopping) {
                giveBack(); // the node stops: the lease runs out and a node resumes the saga
            }
        }

        @Override
        public void release() {
            if (handedOver.compareAndSet(false, true)) {
                giveBack();
            }
        }

        private void confirmAndRun(InstanceRecord started) {
            boolean confirmed = false;
            try {
                confirmed = outbox.confirmStartedHere(sagaId, settings.nodeId(), Claim.FIRST_FENCING,
                        clock.now().plus(settings.lease()));
            } catch (RuntimeException e) {
                log.debug("Saga {}: could not confirm its start on this node ({}); any node resumes it when its"
                        + " lease runs out", sagaId, e.getMessage());
            }
            if (!confirmed) {
                giveBack();
                completions.finished(sagaId, null);
                return;
            }
            running.add(sagaId);
            reserved.remove(sagaId);
            runClaimed(Claim.startedHere(started));
        }

        private void giveBack() {
            reserved.remove(sagaId);
            freeWorkers.release();
        }
    }

    @Override
    public boolean runsHere(UUID sagaId) {
        return running.contains(sagaId) || reserved.contains(sagaId);
    }

    /** The timed poll: also cancels sagas whose deadline passed (at most one poll interval late). */
    private void scheduledPoll() {
        if (!active) {
            return;
        }
        try {
            int expired = outbox.expireDeadlines(clock.now());
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
        int free = freeWorkers.drainPermits(); // all at once: a start here cannot take one meanwhile
        if (free == 0) {
            moreMayBeDue = true;
            lastSuccessfulPoll = java.time.Instant.now(); // busy is healthy
            return;
        }
        int used = 0;
        try {
            var now = clock.now();
            // reserved first: a held worker joins running before it leaves reserved, so it is in one of the copies
            var heldHere = new java.util.HashSet<>(reserved);
            heldHere.addAll(running);
            var claims = outbox.claim(settings.nodeId(), free, now, now.plus(settings.lease()), ownLeasesFrom,
                    heldHere);
            moreMayBeDue = claims.size() == free;
            for (Claim claim : claims) {
                running.add(claim.sagaId());
                used++;
                try {
                    workers.execute(() -> runClaimed(claim));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    running.remove(claim.sagaId()); // the node stops: its lease runs out and a node resumes it
                    freeWorkers.release();
                }
            }
            lastSuccessfulPoll = java.time.Instant.now();
            claimFailures.succeeded();
        } catch (RuntimeException e) {
            claimFailures.failed(e);
        } finally {
            freeWorkers.release(free - used); // the permits no claim needed
        }
    }

    private void runClaimed(Claim claim) {
        LocalCompletions.Finished outcome = null;
        try {
            outcome = runner.run(claim);
        } catch (Throwable unexpected) {
            log.error("Saga {}: worker failed; its lease will run out and it is resumed", claim.sagaId(), unexpected);
        } finally {
            running.remove(claim.sagaId());
            freeWorkers.release();
            // only now: a waiter that starts its next saga at once finds this worker free
            completions.finished(claim.sagaId(), outcome);
            if (moreMayBeDue) {
                workAdded(); // a worker is free and work may be waiting: look right away
            }
        }
    }

    private void renewLeases() {
        if (running.isEmpty()) {
            return;
        }
        try {
            outbox.renew(settings.nodeId(), Set.copyOf(running), () -> clock.now().plus(settings.lease()));
            renewFailures.succeeded();
        } catch (RuntimeException e) {
            renewFailures.failed(e);
        }
    }
}
