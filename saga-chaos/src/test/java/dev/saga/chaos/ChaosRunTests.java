package dev.saga.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

/**
 * The chaos run of issue #7: three nodes in their own JVMs, one killed with SIGKILL every few
 * seconds and started again, the database stopped and started once, while a few thousand sagas
 * (completing, compensating, waiting for signals and timers, failing transiently) run; then every
 * guarantee is checked in SQL and one summary line printed. Since issue #12 also: ambiguous
 * commits (a proxy between each node and the database), transactions that stay open after a
 * signal and starts that commit late, and operator retries racing retention. A soak is the same
 * test with {@code -Dchaos.duration=PT30M -Dchaos.sagas=50000} (see README.md).
 */
class ChaosRunTests {

    @Test
    void everySagaFinishesOnceAndCorrectlyWhileNodesAreKilledAndTheDatabaseRestarts() throws Exception {
        var settings = ChaosSettings.fromSystemProperties();
        var run = new ChaosRun(settings);
        var cleanup = new Thread(run::destroy, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        ChaosRun.Result result;
        try {
            result = run.execute();
        } catch (Throwable failure) {
            ChaosRun.log("run failed: " + failure + run.nodeLogTails());
            run.problems().forEach(problem -> ChaosRun.log("problem " + problem));
            throw failure;
        } finally {
            run.destroy();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.out.println(result.summary());
        Files.writeString(settings.workDir().resolve("summary.txt"), result.summary() + System.lineSeparator());
        result.checks().examples().forEach(example -> ChaosRun.log("violation " + example));
        result.problems().forEach(problem -> ChaosRun.log("problem " + problem));
        result.checks().takeoverExamples().forEach(example -> ChaosRun.log("on a live node: " + example));

        var counts = result.checks().counts();
        assertThat(run.kills()).as("kills").isGreaterThanOrEqualTo(settings.minKills());
        assertThat(run.dbRestarts()).as("database restarts").isEqualTo(settings.dbRestarts());
        // the faults happened (a fault that silently did nothing would prove nothing)
        if (settings.ambiguousCommitRate() > 0) {
            assertThat(run.ambiguousCommits()).as("ambiguous commits").isPositive();
        }
        assertThat(run.heldTransactions()).as("held transactions").isEqualTo(settings.heldTransactions());
        assertThat(run.lateStarts()).as("late starts").isEqualTo(Math.max(0, Math.min(settings.lateStarts(),
                (settings.sagas() + settings.batch() - 1) / settings.batch() - 2)));
        if (settings.stuckCompensations() > 0) {
            assertThat(run.retries()).as("operator retries").isPositive();
        }
        assertThat(result.problems()).as("problems seen during the run").isEmpty();
        if (settings.strictLeases()) {
            assertThat(counts.get("lapsed_leases")).as("leases that ran out on live nodes in " + result.summary())
                    .isZero();
            assertThat(counts.get("live_takeovers")).as("sagas taken from live nodes in " + result.summary())
                    .isZero();
        }
        for (var check : new String[] {"lost", "retried_lost", "vanished", "unexpected_status", "duplicated_effects",
                "lost_effects", "idempotency_violations", "order_violations", "fenced_writes", "parked", "failed",
                "running", "compensating"}) {
            assertThat(counts.get(check)).as(check + " in " + result.summary() + " " + result.checks().examples())
                    .isZero();
        }
    }
}
