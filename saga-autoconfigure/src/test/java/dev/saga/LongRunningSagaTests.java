package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.fixtures.LongRunningSagas;
import dev.saga.fixtures.LongRunningSagas.Subscription;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** Many waiting sagas, sagas that loop for long, and versions deployed side by side. */
class LongRunningSagaTests {

    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void tenThousandWaitingSagasHoldNoThreadsAndAllFinishWhenSignalled() {
        org.awaitility.Awaitility.pollInSameThread(); // no polling threads of its own in the count
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LongRunningSagas.LongRunningConfiguration.class));
            var client = TestEngine.client(node);
            var ledger = Ledger.of(node);
            var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
            var warmUp = client.start("waiter", "warm-up");
            client.signal(warmUp, "go", "warm");
            client.awaitResult(warmUp, String.class, WAIT);
            var threads = ManagementFactory.getThreadMXBean();
            int threadsBefore = threads.getThreadCount();
            // the pool's housekeeping may start a thread of its own now and then; sagas must not
            int slack = 3;

            var ids = transaction.execute(status -> {
                var started = new ArrayList<UUID>();
                for (int i = 0; i < 10_000; i++) {
                    started.add(client.start("waiter", "w-" + i));
                }
                return started;
            });
            await().atMost(WAIT).until(() -> ledger.countSteps(StepKind.SIGNAL, StepStatus.RETRYING) == 10_000);
            await().atMost(WAIT).until(() -> TestEngine.dispatcher(node).runningCount() == 0);

            assertThat(threads.getThreadCount()).as("waiting sagas hold no threads")
                    .isLessThanOrEqualTo(threadsBefore + slack);
            transaction.executeWithoutResult(status -> ids.forEach(id -> client.signal(id, "go", "now")));
            await().atMost(WAIT).until(() -> ledger.instances(SagaStatus.COMPLETED) == 10_001);
            assertThat(client.awaitResult(ids.get(9_999), String.class, WAIT)).isEqualTo("now");
            assertThat(threads.getThreadCount()).isLessThanOrEqualTo(threadsBefore + slack);
        } finally {
            org.awaitility.Awaitility.reset();
        }
    }

    @Test
    void aSubscriptionLoopingTenThousandTimesKeepsEachRunsHistoryUnderTheBound() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LongRunningSagas.LongRunningConfiguration.class),
                    "saga.history.max-entries=250", "saga.history.warn-entries=220");
            var client = TestEngine.client(node);
            var jdbc = TestEngine.jdbc(node);
            var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));

            var id = transaction.execute(status -> {
                var started = client.start("subscription", new Subscription("sub-1", 0, 10_000));
                for (int i = 1; i <= 10_000; i++) {
                    client.signal(started, "tick", i);
                }
                return started;
            });

            assertThat(client.awaitResult(id, Integer.class, WAIT)).isEqualTo(10_000);
            assertThat(jdbc.queryForObject("select count(distinct step) from test_effect where saga_key = 'sub-1'",
                    Integer.class)).as("every tick processed once").isEqualTo(10_000);
            assertThat(jdbc.queryForObject("select count(*) from test_effect where saga_key = 'sub-1'",
                    Integer.class)).isEqualTo(10_000);
            var view = client.find(id).orElseThrow();
            assertThat(view.run()).as("a fresh run every 100 ticks").isEqualTo(100);
            assertThat(view.historySize()).isEqualTo(200);
        }
    }

    @Test
    void aLoopWithoutContinueAsNewIsStoppedByTheHistoryBoundWithAMessageNamingIt() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LongRunningSagas.LongRunningConfiguration.class),
                    "saga.history.max-entries=250", "saga.history.warn-entries=220");
            var client = TestEngine.client(node);
            var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));

            var id = transaction.execute(status -> {
                var started = client.start("unbounded-subscription", new Subscription("sub-2", 0, 1_000));
                for (int i = 1; i <= 1_000; i++) {
                    client.signal(started, "tick", i);
                }
                return started;
            });

            await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
            var view = client.find(id).orElseThrow();
            assertThat(view.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(view.error()).contains(SagaHistoryLimitException.class.getName())
                    .contains("saga.history.max-entries (250").contains("Sagas.continueAsNew");
        }
    }

    @Test
    void versionsRunSideBySideAndARemovedVersionParksItsSagas() {
        try (var engine = new TestEngine()) {
            var onlyV1 = engine.startNode(List.of(LongRunningSagas.Version1.class));
            var finishesOnV1 = TestEngine.client(onlyV1).start("loan-approval", "old-1");
            var strandedOnV1 = TestEngine.client(onlyV1).start("loan-approval", "old-2");
            awaitSuspended(onlyV1, finishesOnV1);
            awaitSuspended(onlyV1, strandedOnV1);
            onlyV1.close();

            var both = engine.startNode(List.of(LongRunningSagas.Version1.class, LongRunningSagas.Version2.class));
            var client = TestEngine.client(both);
            var fresh = client.start("loan-approval", "new-1");
            assertThat(client.find(fresh).orElseThrow().version()).as("new starts take the newest").isEqualTo(2);
            client.signal(finishesOnV1, "approved", "Ada");
            client.signal(fresh, "compliant", "yes");
            client.signal(fresh, "approved", "Alan");
            assertThat(client.awaitResult(finishesOnV1, String.class, WAIT)).isEqualTo("v1 Ada");
            assertThat(client.awaitResult(fresh, String.class, WAIT)).isEqualTo("v2 yes Alan");
            both.close();

            var onlyV2 = engine.startNode(List.of(LongRunningSagas.Version2.class));
            TestEngine.client(onlyV2).signal(strandedOnV1, "approved", "Grace");
            await().atMost(WAIT).until(() -> TestEngine.client(onlyV2).find(strandedOnV1).orElseThrow().status()
                    == SagaStatus.PARKED);
            assertThat(TestEngine.client(onlyV2).find(strandedOnV1).orElseThrow().error())
                    .contains("'loan-approval' version 1 is not deployed").contains("deployed versions: [2]")
                    .contains("deploy version 1 again");
        }
    }

    private static void awaitSuspended(org.springframework.context.ConfigurableApplicationContext node, UUID id) {
        var ledger = Ledger.of(node);
        await().atMost(WAIT).until(() -> ledger.suspended(id));
    }
}
