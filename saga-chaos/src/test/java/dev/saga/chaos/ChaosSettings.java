package dev.saga.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the chaos run does, from system properties (Maven passes {@code -Dchaos.*} through).
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
 */
record ChaosSettings(Duration duration, int sagas, Duration killEvery, int minKills, int dbRestarts, Duration dbDownFor,
        int nodes, int batch, double failureRate, Duration drainTimeout, Path workDir) {

    static ChaosSettings fromSystemProperties() {
        var duration = Duration.parse(property("chaos.duration", "PT60S"));
        // one database restart in a short run, one per ten minutes in a soak
        int dbRestarts = Integer.parseInt(property("chaos.dbRestarts",
                String.valueOf(Math.max(1, duration.toMinutes() / 10))));
        return new ChaosSettings(duration, Integer.parseInt(property("chaos.sagas", "2400")),
                Duration.parse(property("chaos.killEvery", "PT5S")), Integer.parseInt(property("chaos.minKills", "5")),
                dbRestarts,
                Duration.parse(property("chaos.dbDownFor", "PT3S")), Integer.parseInt(property("chaos.nodes", "3")),
                Integer.parseInt(property("chaos.batch", "50")),
                Double.parseDouble(property("chaos.failureRate", "0.15")),
                Duration.parse(property("chaos.drainTimeout", duration.compareTo(Duration.ofMinutes(5)) > 0
                        ? "PT15M" : "PT3M")),
                Path.of(property("chaos.workDir", "target/chaos")).toAbsolutePath());
    }

    private static String property(String name, String fallback) {
        var value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
