package dev.saga.internal.dispatch;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.saga.internal.ledger.FinishedSaga;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.replay.RunOutcome;
import dev.saga.internal.replay.SagaRunner;

/**
 * Runs claimed sagas on the worker executor (a Spring bean with one thread per worker). Open
 * while the dispatcher runs; once closed it takes nothing new, and stopping waits for what it
 * was given, then interrupts what still runs: the executor itself is shut down by Spring, later.
 */
final class WorkerPool {

    private static final Logger log = LoggerFactory.getLogger(SagaDispatcher.class);

    private final Executor executor;
    private final SagaRunner runner;
    private final WorkerSlots slots;
    private final LocalCompletions completions;
    /** Called when a worker became free: due work may be waiting for it. */
    private final Runnable workerFreed;
    /** The tasks handed to the executor that have not ended; guarded by {@code this} for waiting. */
    private final Set<Task> inFlight = ConcurrentHashMap.newKeySet();
    private boolean open;

    WorkerPool(Executor executor, SagaRunner runner, WorkerSlots slots, LocalCompletions completions,
            Runnable workerFreed) {
        this.executor = executor;
        this.runner = runner;
        this.slots = slots;
        this.completions = completions;
        this.workerFreed = workerFreed;
    }

    synchronized void open() {
        open = true;
    }

    /** Takes no more work; what it was given goes on. */
    synchronized void close() {
        open = false;
    }

    /** Hands the claimed saga to a worker; false when closed (the node stops). */
    boolean runLater(Claim claim) {
        return execute(() -> run(claim));
    }

    /**
     * Runs the work on a worker; false when closed (the node stops) or the executor refused it.
     * The work is expected to give back the permit it holds.
     */
    boolean execute(Runnable work) {
        var task = new Task(work);
        synchronized (this) {
            if (!open) {
                return false;
            }
            inFlight.add(task);
        }
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException refused) {
            ended(task);
            return false;
        }
    }

    /** Runs the claimed saga on this worker thread, then frees the worker; never throws. */
    void run(Claim claim) {
        FinishedSaga outcome = null;
        try {
            // callers waiting on this node hear of a finished saga without reading it back
            if (runner.run(claim) instanceof RunOutcome.Finished finished) {
                outcome = finished.saga();
            }
        } catch (Throwable unexpected) {
            log.error("Saga {}: worker failed; its lease will run out and it is resumed", claim.sagaId(), unexpected);
        } finally {
            slots.ended(claim.sagaId());
            // only now: a waiter that starts its next saga at once finds this worker free
            completions.finished(claim.sagaId(), outcome);
            workerFreed.run();
        }
    }

    /**
     * Waits up to the timeout for the work handed over to end, then interrupts what still runs and
     * drops what has not begun: their leases run out and another node resumes them.
     */
    void drain(Duration timeout) {
        try {
            if (!awaitIdle(timeout)) {
                log.warn("Saga dispatcher stopped with {} sagas still running; their leases will run out and"
                        + " another node resumes them", slots.runningCount());
                inFlight.forEach(task -> task.cancel(true));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!inFlight.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private synchronized void ended(Task task) {
        inFlight.remove(task);
        if (inFlight.isEmpty()) {
            notifyAll();
        }
    }

    /** Work handed to the executor, which tells the pool when it ended (or was cancelled). */
    private final class Task extends FutureTask<Void> {

        Task(Runnable work) {
            super(work, null);
        }

        @Override
        protected void setException(Throwable failure) {
            log.error("Saga worker failed", failure); // as an executor would, instead of keeping it unseen
            super.setException(failure);
        }

        @Override
        protected void done() {
            ended(this);
        }
    }
}
