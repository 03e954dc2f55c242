package dev.saga.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What the chaos run does, from system properties (Maven passes {@code -Dchaos.*} through). Each
 * name is camel case ({@code chaos.ambiguousCommitRate}); the kebab-case spelling
 * ({@code chaos.ambiguous-commit-rate}) is read too.
 *
 * @param duration how long nodes are killed; the sagas are started during the first three quarters
 * @param sagas how many sagas are started in all
 * @param killEvery how often one node is killed with SIGKILL (and started again at once), as long as
 *     another node is up
 * @param minKills the run goes on past its duration (up to three times as long) until this many kills
 * @param dbRestarts how often the database is stopped and started again, spread over the run
 * @param dbDownFor how long the database stays down each time
 * @param nodes how many application nodes (JVMs)
 * @param batch how many sagas one HTTP request starts
 * @param failureRate share of step and compensation attempts that fail transiently
 * @param drainTimeout how long all sagas may take to finish after the chaos ended
 * @param workDir where the database, the node logs and the summary go
 * @param ambiguousCommitRate share of the nodes' commits that the proxy makes ambiguous (the server
 *     commits, the node sees an I/O error); 0 turns the proxy's fault off (the nodes still go
 *     through it)
 * @param proxyTrace whether the proxies log every client message to {@code logs/proxy-<slot>.log}
 * @param heldTransactions how often a node signals a saga it runs and keeps its transaction open
 * @param signalHoldFor how long that transaction stays open (longer than the nodes' 2 s lease)
 * @param slowStepFor how long the payee call in flight on that node takes meanwhile (the node makes its
 *     next one slow before it signals): longer than the lease, so that its lease must be renewed
 *     during the hold
 * @param strictLeases whether the run fails when a node that was alive and could reach the database
 *     let a lease run out ({@code lapsed_leases}) or lost a saga to another node
 *     ({@code live_takeovers}); by default they are only counted
 * @param lateStarts how many batches of sagas are started in a transaction that commits late
 * @param lateStartHoldFor how long such a start waits before its commit (longer than a lease)
 * @param stuckCompensations how often each {@code recall} saga's release fails for good before it
 *     works (each time the saga ends FAILED and the orchestrator retries it); 0 turns the operator
 *     retries off
 * @param failedRetention the nodes' {@code saga.retention.failed}: FAILED sagas older than this are
 *     deleted
 * @param retentionInterval the nodes' {@code saga.retention.interval}
 * @param retryHoldFor how long the operator's retry keeps its transaction open after the retry
 */
record ChaosSettings(Duration duration, int sagas, Duration killEvery, int minKills, int dbRestarts, Duration dbDownFor,
        int nodes, int batch, double failureRate, Duration drainTimeout, Path workDir, double ambiguousCommitRate,
        boolean proxyTrace, int heldTransactions, Duration signalHoldFor, Duration slowStepFor, boolean strictLeases,
        int lateStarts, Duration lateStartHoldFor, int stuckCompensations, Duration failedRetention,
        Duration retentionInterval, Duration retryHoldFor) {

    static ChaosSettings fromSystemProperties() {
        var duration = Duration.parse(property("chaos.duration", "PT60S"));
        // one database restart in a short run, one per ten minutes in a soak
        int dbRestarts = Integer.parseInt(property("chaos.dbRestarts",
                String.valueOf(Math.max(1, duration.toMinutes() / 10))));
        // the caller faults come as often in a soak as in a short run: one held signal per 10 s, one late start per 15 s
        long seconds = Math.max(1, duration.toSeconds());
        return new ChaosSettings(duration, Integer.parseInt(property("chaos.sagas", "2400")),
                Duration.parse(property("chaos.killEvery", "PT5S")), Integer.parseInt(property("chaos.minKills", "5")),
                dbRestarts,
                Duration.parse(property("chaos.dbDownFor", "PT3S")), Integer.parseInt(property("chaos.nodes", "3")),
                Integer.parseInt(property("chaos.batch", "50")),
                Double.parseDouble(property("chaos.failureRate", "0.15")),
                Duration.parse(property("chaos.drainTimeout", duration.compareTo(Duration.ofMinutes(5)) > 0
                        ? "PT15M" : "PT3M")),
                Path.of(property("chaos.workDir", "target/chaos")).toAbsolutePath(),
                Double.parseDouble(property("chaos.ambiguousCommitRate", "0.03")),
                Boolean.parseBoolean(property("chaos.proxyTrace", "false")),
                Integer.parseInt(property("chaos.heldTransactions", String.valueOf(Math.max(1, seconds / 10)))),
                Duration.parse(property("chaos.signalHoldFor", "PT3S")),
                Duration.parse(property("chaos.slowStepFor", "PT4S")),
                Boolean.parseBoolean(property("chaos.strictLeases", "false")),
                Integer.parseInt(property("chaos.lateStarts", String.valueOf(Math.max(1, seconds / 15)))),
                Duration.parse(property("chaos.lateStartHoldFor", "PT3S")),
                Integer.parseInt(property("chaos.stuckCompensations", "1")),
                Duration.parse(property("chaos.failedRetention", "PT2S")),
                Duration.parse(property("chaos.retentionInterval", "PT0.2S")),
                Duration.parse(property("chaos.retryHoldFor", "PT0.3S")));
    }

    /** The lease the nodes run with ({@code saga.dispatcher.lease} in application.yml). */
    static final Duration NODE_LEASE = Duration.ofSeconds(2);

    private static String property(String name, String fallback) {
        var value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(kebab(name));
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /** {@code chaos.ambiguousCommitRate} as {@code chaos.ambiguous-commit-rate}. */
    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
