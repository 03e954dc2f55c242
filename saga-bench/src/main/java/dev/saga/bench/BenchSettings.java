package dev.saga.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What to run and for how long, from {@code --key=value} arguments or {@code -Dbench.key=value}
 * system properties (arguments win). {@code --quick} changes the defaults to a smoke test.
 *
 * @param server {@code host:port} of the PostgreSQL server; its databases are created if missing
 * @param user the user to connect as (it must be allowed to create databases)
 * @param password its password, empty for trust authentication
 * @param cases the cases to run, in order: floor, saga, peer, waiting, recovery
 * @param concurrencies the closed-loop client counts of the throughput cases
 * @param duration how long one measured run lasts
 * @param warmup how long each run's load goes on before it is measured
 * @param statsSettle how long to leave the database alone so that every backend has published its
 *     statistics before the commit counter is read (PostgreSQL 15 holds them up to 10 s in an idle backend)
 * @param repetitions how often each throughput run is repeated; the line shows the medians
 * @param waitingSagas how many sagas the waiting case parks on a signal
 * @param recoverySagas how many sagas the recovery case has in flight when the engine stops
 * @param recoveryStepMillis how long each step of a recovery saga sleeps, so that sagas are in flight
 * @param recoveryLease the lease of the recovery case: how long a halted node's claims block takeover
 * @param await how a saga client waits for the result: {@code client} ({@code SagaClient.awaitResult},
 *     the public way) or {@code listener} (a {@code SagaListener} that completes the client's future)
 */
public record BenchSettings(
        String server,
        String user,
        String password,
        List<String> cases,
        List<Integer> concurrencies,
        Duration duration,
        Duration warmup,
        Duration statsSettle,
        int repetitions,
        int waitingSagas,
        int recoverySagas,
        int recoveryStepMillis,
        Duration recoveryLease,
        String await) {

    public static final List<String> ALL_CASES = List.of("floor", "saga", "peer", "waiting", "recovery");

    public BenchSettings {
        for (var name : cases) {
            if (!ALL_CASES.contains(name)) {
                throw new IllegalArgumentException("Unknown case '" + name + "'; the cases are " + ALL_CASES);
            }
        }
        if (!await.equals("listener") && !await.equals("client")) {
            throw new IllegalArgumentException("--await must be listener or client, not " + await);
        }
    }

    /** Reads the settings from the arguments, then the system properties, then the defaults. */
    public static BenchSettings from(String[] args) {
        var given = new java.util.HashMap<String, String>();
        System.getProperties().forEach((key, value) -> {
            if (key.toString().startsWith("bench.")) {
                given.put(key.toString().substring("bench.".length()), value.toString());
            }
        });
        for (var arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Arguments look like --key=value, not " + arg);
            }
            var keyValue = arg.substring(2).split("=", 2);
            given.put(keyValue[0], keyValue.length == 2 ? keyValue[1] : "true");
        }
        boolean quick = Boolean.parseBoolean(given.getOrDefault("quick", "false"));
        Function<String, Setting> setting = key -> new Setting(given, key);
        return new BenchSettings(
                setting.apply("server").or("127.0.0.1:5432"),
                setting.apply("user").or("postgres"),
                setting.apply("password").or(""),
                List.of(setting.apply("cases").or(String.join(",", ALL_CASES)).split(",")),
                Arrays.stream(setting.apply("concurrency").or("1,8,32").split(",")).map(Integer::valueOf).toList(),
                Duration.parse("PT" + setting.apply("duration").or(quick ? "3s" : "15s")),
                Duration.parse("PT" + setting.apply("warmup").or(quick ? "1s" : "10s")),
                Duration.parse("PT" + setting.apply("stats-settle").or("11s")),
                Integer.parseInt(setting.apply("repetitions").or(quick ? "1" : "3")),
                Integer.parseInt(setting.apply("waiting").or(quick ? "10000" : "100000")),
                Integer.parseInt(setting.apply("recovery").or(quick ? "1000" : "10000")),
                Integer.parseInt(setting.apply("recovery-step-ms").or("5")),
                Duration.parse("PT" + setting.apply("recovery-lease").or("5s")),
                setting.apply("await").or("client"));
    }

    public boolean runs(String caseName) {
        return cases.contains(caseName);
    }

    private record Setting(Map<String, String> given, String key) {
        String or(String fallback) {
            return given.getOrDefault(key, fallback);
        }
    }
}
