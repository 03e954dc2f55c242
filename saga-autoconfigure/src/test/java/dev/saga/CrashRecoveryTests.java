package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.fixtures.CrashConfiguration;
import dev.saga.fixtures.Gate;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** Several engine nodes on one database: crashes, lease expiry, fencing, and sharing the load. */
class CrashRecoveryTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void anotherNodeResumesASagaWhoseNodeDiedMidStepWithoutRepeatingCompletedSteps() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var nodeA = node(engine, "node-a", gate);
            var id = TestEngine.client(nodeA).start("crash", "order-1");
            assertThat(gate.awaitEntered()).as("node A is inside step two, its effect written, not committed").isTrue();

            TestEngine.dispatcher(nodeA).halt(); // a crash: no more lease renewals, nothing released
            var nodeB = node(engine, "node-b", gate);

            var output = TestEngine.client(nodeB).awaitResult(id, String.class, WAIT);
            assertThat(output).isEqualTo("one@node-a,two@node-b,three@node-b");

            gate.release(); // node A wakes up after losing its lease and tries to record step two
            assertThat(gate.awaitLeft()).isTrue();
            await().atMost(WAIT).until(() -> TestEngine.dispatcher(nodeA).runningCount() == 0);

            var jdbc = TestEngine.jdbc(nodeB);
            assertThat(effects(jdbc, "order-1")).as("each step took effect once; node A's step two rolled back")
                    .containsExactly("one@node-a", "two@node-b", "three@node-b");
            List<StepRecord> ledger = Ledger.of(nodeB).steps(id);
            assertThat(ledger).extracting(StepRecord::seq).containsExactly(0, 1, 2);
            assertThat(ledger).extracting(StepRecord::status).containsOnly(StepStatus.COMPLETED);
            assertThat(ledger.get(1).attemptCount()).as("nothing of node A's attempt was recorded").isEqualTo(1);
            assertThat(TestEngine.client(nodeB).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPLETED);
        }
    }

    @Test
    void aStepRunningLongerThanTheLeaseKeepsItsClaimBecauseTheLeaseIsRenewed() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var nodeA = node(engine, "node-a", gate);
            node(engine, "node-b", gate);
            var id = TestEngine.client(nodeA).start("crash", "slow-1");
            assertThat(gate.awaitEntered()).isTrue();
            var jdbc = TestEngine.jdbc(nodeA);
            var ledger = Ledger.of(nodeA);
            var leaseEnd = ledger.leaseEnd(id);

            // three lease lengths pass while step two runs; renewals keep pushing the lease out
            await().atMost(WAIT).until(() -> ledger.leaseEnd(id).isAfter(leaseEnd.plusSeconds(3)));
            gate.release();

            TestEngine.client(nodeA).awaitResult(id, String.class, WAIT);
            assertThat(ledger.instance(id).fencing()).as("claimed once: no other node took it over").isEqualTo(1L);
            assertThat(jdbc.queryForObject("select count(*) from test_effect where saga_key = 'slow-1'", Integer.class))
                    .isEqualTo(3);
        }
    }

    @Test
    void closingANodeLetsItsRunningSagaFinishWithinTheShutdownTimeoutRenewingItsLeaseMeanwhile() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var nodeA = node(engine, "node-a", gate, "saga.dispatcher.shutdown-timeout=30s");
            var reader = node(engine, "reader", gate, "saga.dispatcher.enabled=false");
            var id = TestEngine.client(nodeA).start("crash", "drained-1");
            assertThat(gate.awaitEntered()).isTrue();
            var ledger = Ledger.of(reader);
            var leaseEnd = ledger.leaseEnd(id);

            var closing = CompletableFuture.runAsync(nodeA::close);
            // two lease lengths pass while the context closes; the dispatcher's scheduler still renews
            await().atMost(WAIT).until(() -> ledger.leaseEnd(id).isAfter(leaseEnd.plusSeconds(2)));
            assertThat(closing).as("the stop waits for the running saga").isNotDone();
            gate.release();

            closing.get(30, TimeUnit.SECONDS);
            assertThat(TestEngine.client(reader).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(effects(TestEngine.jdbc(reader), "drained-1")).as("finished by its own node, its workers still running")
                    .containsExactly("one@node-a", "two@node-a", "three@node-a");
        }
    }

    @Test
    void aSagaStillRunningAfterTheShutdownTimeoutIsInterruptedAndLeftToItsLease() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var nodeA = node(engine, "node-a", gate, "saga.dispatcher.shutdown-timeout=500ms");
            var id = TestEngine.client(nodeA).start("crash", "abandoned-1");
            assertThat(gate.awaitEntered()).isTrue();

            long closingAt = System.nanoTime();
            nodeA.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closingAt)).as("the stop waited no longer than it may")
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(gate.awaitLeft()).as("the worker was interrupted, the gate never released").isTrue();

            // the interrupted run may still have finished it; otherwise node B resumes it once the lease ran out
            var nodeB = node(engine, "node-b", gate);
            assertThat(TestEngine.client(nodeB).awaitResult(id, String.class, WAIT)).startsWith("one@node-a,");
            assertThat(effects(TestEngine.jdbc(nodeB), "abandoned-1")).as("each step took effect once")
                    .extracting(effect -> effect.substring(0, effect.indexOf('@')))
                    .containsExactly("one", "two", "three");
        }
    }

    @Test
    void twoNodesRunFiveHundredSagasEachExactlyOnce() {
        var gate = new Gate();
        gate.release();
        try (var engine = new TestEngine()) {
            var nodes = List.of(node(engine, "node-a", gate, "saga.dispatcher.lease=30s"),
                    node(engine, "node-b", gate, "saga.dispatcher.lease=30s"));
            var ids = new ArrayList<UUID>();
            for (int i = 0; i < 500; i++) {
                ids.add(TestEngine.client(nodes.get(i % 2)).start("crash", "bulk-" + i));
            }

            var jdbc = TestEngine.jdbc(nodes.get(0));
            var ledger = Ledger.of(nodes.get(0));
            await().atMost(Duration.ofSeconds(120)).until(() -> ledger.instances(SagaStatus.COMPLETED) == 500);

            assertThat(jdbc.queryForObject("select count(*) from test_effect", Integer.class)).isEqualTo(1500);
            assertThat(jdbc.queryForObject("select count(*) from (select saga_key, step from test_effect"
                    + " group by saga_key, step having count(*) > 1) repeated", Integer.class))
                    .as("no step took effect twice").isZero();
            assertThat(ledger.countSteps(StepStatus.COMPLETED, 1)).as("no step recorded twice or retried")
                    .isEqualTo(1500);
            assertThat(ledger.outboxRows()).isZero();
            Map<String, Object> byNode = jdbc.queryForMap("select count(*) filter (where node = 'node-a') as a,"
                    + " count(*) filter (where node = 'node-b') as b from test_effect");
            assertThat(byNode.values()).as("both nodes did work").allSatisfy(count -> assertThat((Long) count).isPositive());
        }
    }

    private static ConfigurableApplicationContext node(TestEngine engine, String name, Gate gate, String... extra) {
        var properties = new ArrayList<>(List.of("saga.dispatcher.node-id=" + name, "saga.dispatcher.lease=1s",
                "saga.dispatcher.worker-threads=4"));
        properties.addAll(List.of(extra));
        return engine.startNode(List.of(CrashConfiguration.class), properties,
                context -> context.getBeanFactory().registerSingleton("gate", gate));
    }

    private static List<String> effects(JdbcTemplate jdbc, String key) {
        return jdbc.queryForList("select step || '@' || node from test_effect where saga_key = ? order by id",
                String.class, key);
    }
}
