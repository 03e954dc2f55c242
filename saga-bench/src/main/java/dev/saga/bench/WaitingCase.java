package dev.saga.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.saga.bench.starter.StarterContext;
import dev.saga.bench.starter.WaitingSaga;

/**
 * Many sagas parked on a signal: what they cost the JVM while they wait (live threads, heap after
 * a full GC), and how long it takes to signal them all and see every one completed.
 */
final class WaitingCase {

    private static final int WORKERS = 8;
    private static final int CLIENTS = 8;
    private static final Duration PATIENCE = Duration.ofMinutes(60);
    private static final String PARKED = "select count(*) from saga.saga_outbox"
            + " where claimed_by is null and due_at > now() + interval '1 hour'";
    private static final String COMPLETED = "select count(*) from saga.saga_instance"
            + " where name = 'waiting' and status = 'COMPLETED'";

    private final Postgres postgres;
    private final BenchSettings settings;

    WaitingCase(Postgres postgres, BenchSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    void run() throws Exception {
        int count = settings.waitingSagas();
        StarterContext.resetSchema(postgres);
        // the ids live in two arrays allocated before the first reading, so they are not counted as growth
        var high = new long[count];
        var low = new long[count];
        try (var node = StarterContext.start(postgres, "bench-waiting", WORKERS, Map.of())) {
            var client = node.client();
            var before = JvmFootprint.now();
            long parkStart = System.nanoTime();
            Parallel.forEach(count, CLIENTS, i -> {
                var id = client.start("waiting", i);
                high[i] = id.getMostSignificantBits();
                low[i] = id.getLeastSignificantBits();
            });
            postgres.awaitCount(StarterContext.DATABASE, PARKED, count, PATIENCE);
            double parkSeconds = (System.nanoTime() - parkStart) / 1e9;
            var parked = JvmFootprint.now();
            long wakeStart = System.nanoTime();
            Parallel.forEach(count, CLIENTS, i -> client.signal(new UUID(high[i], low[i]), WaitingSaga.SIGNAL, 1));
            postgres.awaitCount(StarterContext.DATABASE, COMPLETED, count, PATIENCE);
            double wakeSeconds = (System.nanoTime() - wakeStart) / 1e9;
            var finished = JvmFootprint.now();
            System.out.println(String.format(Locale.ROOT, "waiting, %d sagas, threads %d→%d (%d after finishing),"
                    + " heap %+.1f MB (%.1f → %.1f MB), start+park %.1f s, wake+finish %.1f s", count,
                    before.threads(), parked.threads(), finished.threads(),
                    (parked.heapBytes() - before.heapBytes()) / 1e6, before.heapBytes() / 1e6,
                    parked.heapBytes() / 1e6, parkSeconds, wakeSeconds));
        }
    }
}
