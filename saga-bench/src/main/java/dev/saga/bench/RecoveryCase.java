package dev.saga.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.saga.bench.starter.StarterContext;

/**
 * Sagas in flight when their node stops abruptly: how long until a new node has finished them
 * all, against the time the same sagas take when nothing crashes. Both are counted from the
 * moment the last saga was started.
 */
final class RecoveryCase {

    private static final int WORKERS = 32;
    private static final int CLIENTS = 8;
    private static final Duration PATIENCE = Duration.ofMinutes(30);
    private static final String FINISHED = "select count(*) from saga.saga_instance where finished_at is not null";
    private static final String UNFINISHED = "select count(*) from saga.saga_instance where finished_at is null";
    private static final String NOT_COMPLETED = "select count(*) from saga.saga_instance where status <> 'COMPLETED'";

    private final Postgres postgres;
    private final BenchSettings settings;

    RecoveryCase(Postgres postgres, BenchSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    void run() throws Exception {
        int count = settings.recoverySagas();
        var calm = withoutCrash(count);
        var crash = afterAbruptStop(count);
        System.out.println(String.format(Locale.ROOT, "recovery, %d sagas, no crash %.1f s (%d unfinished after the"
                + " last start), after abrupt stop %.1f s (%d unfinished at the stop),"
                + " ratio %.2f (new node started in %.1f s; without it %.1f s, ratio %.2f);"
                + " lease %.1f s, poll 1 s, steps %d ms, %d not COMPLETED", count, calm.seconds(), calm.inFlight(),
                crash.seconds(), crash.inFlight(), crash.seconds() / calm.seconds(), crash.startupSeconds(),
                crash.seconds() - crash.startupSeconds(),
                (crash.seconds() - crash.startupSeconds()) / calm.seconds(),
                settings.recoveryLease().toMillis() / 1000.0, settings.recoveryStepMillis(), crash.notCompleted()));
    }

    private Calm withoutCrash(int count) throws Exception {
        StarterContext.resetSchema(postgres);
        try (var node = startNode("bench-calm")) {
            startAll(node, count);
            long allStarted = System.nanoTime();
            long inFlight = postgres.count(StarterContext.DATABASE, UNFINISHED);
            postgres.awaitCount(StarterContext.DATABASE, FINISHED, count, PATIENCE);
            return new Calm(inFlight, (System.nanoTime() - allStarted) / 1e9);
        }
    }

    private Crash afterAbruptStop(int count) throws Exception {
        StarterContext.resetSchema(postgres);
        var doomed = startNode("bench-doomed");
        startAll(doomed, count);
        long allStarted = System.nanoTime();
        doomed.halt();
        long inFlight = postgres.count(StarterContext.DATABASE, UNFINISHED);
        // its connections go too, as with a killed process; closing may wait for its pool, so not here
        var closer = new Thread(doomed::close, "bench-doomed-closer");
        closer.start();
        try (var successor = startNode("bench-successor")) {
            double startup = (System.nanoTime() - allStarted) / 1e9;
            postgres.awaitCount(StarterContext.DATABASE, FINISHED, count, PATIENCE);
            double seconds = (System.nanoTime() - allStarted) / 1e9;
            return new Crash(inFlight, startup, seconds, postgres.count(StarterContext.DATABASE, NOT_COMPLETED));
        }
    }

    private StarterContext startNode(String nodeId) {
        return StarterContext.start(postgres, nodeId, WORKERS, Map.of(
                "saga.dispatcher.lease", settings.recoveryLease().toMillis() + "ms",
                "bench.step-millis", settings.recoveryStepMillis()));
    }

    private static void startAll(StarterContext node, int count) throws Exception {
        var client = node.client();
        Parallel.forEach(count, CLIENTS, i -> client.start("three-steps", i));
    }

    private record Calm(long inFlight, double seconds) {
    }

    private record Crash(long inFlight, double startupSeconds, double seconds, long notCompleted) {
    }
}
