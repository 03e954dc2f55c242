package dev.saga.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.saga.bench.measure.ClosedLoop;
import dev.saga.bench.measure.Latencies;
import dev.saga.bench.measure.ProcessCpu;

/**
 * Runs a workload in a closed loop at each concurrency, repeated, and prints one line of medians
 * per concurrency. Each run opens a fresh instance, warms it up, leaves the database alone until
 * every backend has published its statistics, measures, and closes the instance (its backends
 * publish the rest as they exit) before the commits are read.
 */
public final class ThroughputCase {

    private final Postgres postgres;
    private final BenchSettings settings;

    public ThroughputCase(Postgres postgres, BenchSettings settings) {
        this.postgres = postgres;
        this.settings = settings;
    }

    public void run(Workload workload) throws Exception {
        for (int concurrency : settings.concurrencies()) {
            var runs = new ArrayList<RunResult>();
            for (int repetition = 1; repetition <= settings.repetitions(); repetition++) {
                var result = measure(workload, concurrency);
                System.out.println("#   run " + repetition + ": " + result.line(workload.name(), concurrency));
                runs.add(result);
            }
            System.out.println(RunResult.medians(runs).line(workload.name(), concurrency));
        }
    }

    private RunResult measure(Workload workload, int concurrency) throws Exception {
        var database = workload.database();
        long commitsBefore;
        Snapshot before;
        Snapshot after;
        List<Latencies> latencies;
        try (var session = workload.open(concurrency)) {
            ClosedLoop.run(concurrency, settings.warmup(), session::runOne);
            Thread.sleep(settings.statsSettle().toMillis());
            commitsBefore = postgres.commits(database);
            before = Snapshot.take(postgres, database, List.of());
            latencies = ClosedLoop.run(concurrency, settings.duration(), session::runOne);
            after = Snapshot.take(postgres, database, before.pids());
        }
        long commits = commitsAfterBackendsLeft(database) - commitsBefore;
        var sorted = Latencies.sorted(latencies);
        double sagas = sorted.length;
        double seconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        return new RunResult(sagas / seconds, Latencies.quantileMillis(sorted, 0.50),
                Latencies.quantileMillis(sorted, 0.99), commits / sagas,
                (after.jvmCpuNanos() - before.jvmCpuNanos()) / 1e6 / sagas,
                ProcessCpu.delta(before.dbCpuNanos(), after.dbCpuNanos()) / 1e6 / sagas);
    }

    /** Backends publish their statistics as they exit; waits until none is left, then reads. */
    private long commitsAfterBackendsLeft(String database) throws Exception {
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (postgres.connections(database) > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(100);
        }
        return postgres.commits(database);
    }

    /** CPU of the JVM and of the database's processes at one moment. */
    private record Snapshot(long nanoTime, long jvmCpuNanos, List<Integer> pids,
            Map<Integer, Long> dbCpuNanos) {

        static Snapshot take(Postgres postgres, String database, List<Integer> knownPids) throws Exception {
            var pids = new HashSet<>(knownPids);
            pids.addAll(postgres.serverPids(database));
            var pidList = List.copyOf(pids);
            return new Snapshot(System.nanoTime(), ProcessCpu.jvmNanos(), pidList, ProcessCpu.nanosByPid(pidList));
        }
    }
}
