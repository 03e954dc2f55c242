package dev.saga.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults an application's own transactions cause, sent to the nodes during the run: a
 * transaction that signals a running saga and stays open longer than a lease, and batches of
 * starts whose transaction commits after the lease written with them ran out. Each call runs on
 * a thread of its own, so that the load's schedule does not wait for it.
 */
final class CallerFaults {

    private final ChaosSettings settings;
    private final NodeRequests nodes;
    private final ScheduledExecutorService executor;
    private final List<Future<?>> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger heldTransactions = new AtomicInteger();
    private final AtomicInteger heldNextToSlowStep = new AtomicInteger();
    private final AtomicInteger lateStarts = new AtomicInteger();
    private final Set<String> lateKeys = ConcurrentHashMap.newKeySet();

    CallerFaults(ChaosSettings settings, NodeRequests nodes, ScheduledExecutorService executor) {
        this.settings = settings;
        this.nodes = nodes;
        this.executor = executor;
    }

    /**
     * The held signals, spread over the chaos: while the sagas are started most of them run, but the
     * nodes are busiest (a saga whose lease ran out waits behind the backlog before another node takes
     * it); after that, free workers take it at once.
     */
    void scheduleHeldSignals(long chaosStartNanos) {
        long spread = settings.duration().toNanos();
        int count = settings.heldTransactions();
        for (int i = 0; i < count; i++) {
            long at = chaosStartNanos + spread * (2L * i + 1) / (2L * count);
            calls.add(executor.schedule(this::holdSignal, at - System.nanoTime(), TimeUnit.NANOSECONDS));
        }
    }

    /** Whether batch {@code b} of {@code batches} is started late: evenly spread, none first or last. */
    boolean startsLate(int b, int batches) {
        int count = Math.min(settings.lateStarts(), batches - 2);
        for (int i = 0; i < count; i++) {
            if (b == 1 + (int) ((long) (batches - 2) * (2L * i + 1) / (2L * count))) {
                return true;
            }
        }
        return false;
    }

    /** Starts the batch in a transaction that commits late, then approves its approval sagas. */
    void startLate(int from, int count) {
        for (int n = from; n < from + count; n++) {
            lateKeys.add(LoadController.businessKey(n));
        }
        calls.add(executor.submit(() -> {
            try {
                var answer = nodes.send("/chaos/start-late?from=" + from + "&count=" + count + "&holdMillis="
                        + settings.lateStartHoldFor().toMillis());
                lateStarts.incrementAndGet();
                ChaosRun.log("late start of sagas " + from + " to " + (from + count - 1) + ": " + answer);
                // fewer than all may be there: a recall saga of the batch may have failed and been deleted by retention
                // meanwhile (an earlier attempt's commit was made ambiguous, so the batch was there before); none is
                // a start that answered 200 without committing
                if (answer.contains("\"visible\":0,") || answer.contains("\"visible\":0}")) {
                    problems.add("late start of sagas " + from + " to " + (from + count - 1)
                            + " answered 200 but none of them was there after its commit: " + answer);
                }
                nodes.send("/chaos/approve?from=" + from + "&count=" + count);
            } catch (IllegalStateException | InterruptedException e) {
                problems.add("late start of sagas " + from + " to " + (from + count - 1) + ": " + e.getMessage());
            }
        }));
    }

    private void holdSignal() {
        try {
            // the node waits up to 5 s for one of its payee calls to begin, which it makes slow
            var answer = nodes.send("/chaos/hold-signal?holdMillis=" + settings.signalHoldFor().toMillis()
                    + "&seekMillis=5000");
            heldTransactions.incrementAndGet();
            if (answer.contains("\"nextToSlowStep\":true") && answer.contains("\"signalled\":1")) {
                heldNextToSlowStep.incrementAndGet();
            }
        } catch (IllegalStateException | InterruptedException e) {
            problems.add("held signal: " + e.getMessage());
        }
    }

    /** Waits until every call made or scheduled so far has ended. */
    void awaitCalls(Duration within) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + within.toNanos();
        for (var call : List.copyOf(calls)) {
            call.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** Held transactions that committed. */
    int heldTransactions() {
        return heldTransactions.get();
    }

    /** The business keys of the sagas started late. */
    Set<String> lateKeys() {
        return Set.copyOf(lateKeys);
    }

    /** Held transactions that signalled a saga on a node that ran a slow step meanwhile. */
    int heldNextToSlowStep() {
        return heldNextToSlowStep.get();
    }

    /** Late batches that committed. */
    int lateStarts() {
        return lateStarts.get();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }
}
