package dev.saga.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.node.LocalNode;
import dev.saga.internal.node.ReservedWorker;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.DispatcherStatus;

/**
 * Claims due work and runs it on a bounded pool of workers, from the context's start to its
 * stop. One scheduler thread polls ({@link OutboxPoller}) and renews the leases of running sagas
 * ({@link LeaseRenewer}); the workers ({@link WorkerPool}) never outnumber the free permits
 * ({@link WorkerSlots}). A saga started on this node while a worker is free is written already
 * claimed and handed to that worker after its commit ({@link HeldWorkers}). The executor and the
 * scheduler are Spring beans: Spring shuts them down after this dispatcher has stopped.
 */
public final class SagaDispatcher implements SmartLifecycle, LocalNode, DispatcherStatus {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final DispatcherSettings settings;
    private final TaskScheduler scheduler;
    private final WorkerSlots slots;
    private final WorkerPool workers;
    private final HeldWorkers held;
    private final OutboxPoller poller;
    private final LeaseRenewer renewer;
    private volatile boolean active;
    private @Nullable ScheduledFuture<?> polls;
    private @Nullable ScheduledFuture<?> renewals;

    /** Runs sagas on the worker executor, polls and renews on the scheduler (one thread: polls never overlap). */
    public SagaDispatcher(ClaimStore claims, SagaRunner runner, DispatcherSettings settings, SagaClock clock,
            LocalCompletions completions, Executor workerExecutor, TaskScheduler scheduler) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.slots = new WorkerSlots(settings.workerThreads());
        this.workers = new WorkerPool(workerExecutor, runner, slots, completions, this::workerFreed);
        this.held = new HeldWorkers(claims, settings, clock, slots, workers, completions);
        this.poller = new OutboxPoller(claims, settings, clock, scheduler, slots, workers);
        this.renewer = new LeaseRenewer(claims, settings, clock, slots);
    }

    @Override
    public synchronized void start() {
        if (active) {
            return;
        }
        workers.open();
        poller.activate();
        active = true;
        polls = scheduler.scheduleWithFixedDelay(poller::scheduledPoll, settings.pollInterval());
        renewals = scheduler.scheduleWithFixedDelay(renewer::renew, Instant.now().plus(renewer.every()),
                renewer.every());
        log.info("Saga dispatcher started on node {} with {} workers", settings.nodeId(), settings.workerThreads());
    }

    /**
     * Stops claiming, lets running sagas finish for up to the shutdown timeout (renewing their
     * leases meanwhile), then leaves what still runs to its lease: another node (or this one,
     * restarted) takes it over. Runs before Spring shuts the executor and the scheduler down.
     */
    @Override
    public synchronized void stop() {
        if (!active) {
            return;
        }
        stopClaiming();
        workers.drain(settings.shutdownTimeout()); // the scheduler goes on renewing leases meanwhile
        cancelSchedules();
        log.info("Saga dispatcher stopped on node {}", settings.nodeId());
    }

    /**
     * Stops at once, as a crash would: no more polls or lease renewals, running sagas are
     * abandoned where they are and nothing is released.
     */
    public synchronized void halt() {
        stopClaiming();
        cancelSchedules();
    }

    private void stopClaiming() {
        active = false;
        poller.deactivate();
        workers.close();
    }

    private void cancelSchedules() {
        if (polls != null) {
            polls.cancel(true); // interrupts, as shutting a scheduler of its own down did
            renewals.cancel(true);
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
        poller.pollSoon();
    }

    private void workerFreed() {
        poller.workerFreed();
    }

    @Override
    public Optional<ReservedWorker> reserveWorker(UUID sagaId) {
        return active ? held.reserve(sagaId) : Optional.empty();
    }

    @Override
    public boolean runsHere(UUID sagaId) {
        return slots.holds(sagaId);
    }

    /**
     * Cancels the sagas whose deadline passed and claims due work now, on the scheduler's thread,
     * as the timed poll does: for a test that moved the engine's clock forward. The future is
     * done once the poll has handed what it claimed to workers (polls run one after another, so
     * any poll that began earlier has ended too).
     */
    public Future<?> pollNow() {
        if (!active) {
            return CompletableFuture.completedFuture(null);
        }
        return scheduler.schedule(poller::scheduledPoll, Instant.now());
    }

    /** Whether none of this node's workers runs or holds a saga (a test waits for that). */
    public boolean idle() {
        return slots.heldHere().isEmpty();
    }

    /** How many sagas this node is running now. */
    public int runningCount() {
        return slots.runningCount();
    }

    @Override
    public @Nullable Instant lastSuccessfulPoll() {
        return poller.lastSuccessfulPoll();
    }

    @Override
    public Duration pollInterval() {
        return settings.pollInterval();
    }
}
