package dev.saga.bench;

import dev.saga.bench.dbos.DbosWorkload;
import dev.saga.bench.floor.FloorWorkload;
import dev.saga.bench.starter.StarterWorkload;

/**
 * The benchmark of issue #8: every selected case in this one JVM against one PostgreSQL server,
 * one result line per case and concurrency. Lines starting with {@code #} are context. See
 * docs/performance.md.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        var settings = BenchSettings.from(args);
        try (var postgres = Postgres.connect(settings)) {
            System.out.println(MachineInfo.describe(postgres, settings));
            var throughput = new ThroughputCase(postgres, settings);
            if (settings.runs("floor")) {
                throughput.run(new FloorWorkload(postgres));
            }
            if (settings.runs("saga")) {
                throughput.run(new StarterWorkload(postgres, settings.await()));
            }
            if (settings.runs("peer")) {
                runPeer(throughput, postgres);
            }
            if (settings.runs("waiting")) {
                new WaitingCase(postgres, settings).run();
            }
            if (settings.runs("recovery")) {
                new RecoveryCase(postgres, settings).run();
            }
        }
        System.exit(0); // leftover non-daemon threads of halted engines must not keep the JVM alive
    }

    private static void runPeer(ThroughputCase throughput, Postgres postgres) throws Exception {
        try {
            throughput.run(new DbosWorkload(postgres));
        } catch (Exception | LinkageError unavailable) {
            System.out.println("peer, unavailable: " + unavailable);
        }
    }
}
