package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.fixtures.Gate;
import dev.saga.fixtures.HeldSagas;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * The hot path: a saga started on a node with a free worker is written already claimed by it. The
 * worker runs nothing before the database confirmed that the saga exists, is still its claim, and
 * has a fresh lease.
 */
class HotPathStartTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aStartThatCommitsLaterThanOneLeaseRunsItsFirstStepOnce() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var starter = node(engine, "node-a", gate, "saga.dispatcher.lease=3s");
            var other = node(engine, "node-b", gate, "saga.dispatcher.lease=3s", "saga.dispatcher.poll-interval=50ms");
            var begun = Instant.now();

            var id = transaction(starter).execute(status -> {
                var sagaId = client(starter).start("announce", "late");
                // the injected fault: this transaction commits after the lease written at start() ran out
                await().atMost(WAIT).until(() -> Instant.now().isAfter(begun.plusMillis(3_500)));
                return sagaId;
            });

            assertThat(gate.awaitEntered()).as("its step runs on one node").isTrue();
            var committed = Instant.now();
            await().atMost(WAIT).until(() -> polledAfter(other, committed.plusMillis(200)));
            gate.release();
            assertThat(client(starter).awaitResult(id, String.class, WAIT)).isIn("node-a", "node-b");
            assertThat(steps(starter).count("late", "announce")).as("the step ran once").isEqualTo(1);
        }
    }

    @Test
    void aStartRolledBackToASavepointRunsNothing() {
        try (var engine = new TestEngine()) {
            var node = node(engine, "node-a", openGate());
            // JDBC savepoints (JPA has none): an application's DataSourceTransactionManager on the same DataSource
            var transactionManager = new org.springframework.jdbc.datasource.DataSourceTransactionManager(
                    node.getBean(javax.sql.DataSource.class));
            var nested = new TransactionTemplate(transactionManager);
            nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
            var id = new AtomicReference<UUID>();

            new TransactionTemplate(transactionManager).executeWithoutResult(outer -> nested.executeWithoutResult(inner -> {
                id.set(client(node).start("announce", "rolled-back"));
                inner.setRollbackOnly(); // back to the savepoint; the outer transaction commits
            }));

            await().atMost(WAIT).until(() -> !TestEngine.dispatcher(node).runsHere(id.get())
                    && TestEngine.dispatcher(node).runningCount() == 0);
            assertThat(client(node).find(id.get())).isEmpty();
            assertThat(steps(node).count("rolled-back", "announce")).as("no step of a saga that does not exist")
                    .isZero();
            assertThat(client(node).awaitResult(client(node).start("announce", "next"), String.class, WAIT))
                    .as("the worker was given back").isEqualTo("node-a");
        }
    }

    @Test
    void aNeighbourSynchronizationThatThrowsAfterCommitLeavesNoWorkerHeld() {
        try (var engine = new TestEngine()) {
            var node = node(engine, "node-a", openGate(), "saga.dispatcher.lease=30s");
            var id = new AtomicReference<UUID>();

            assertThatThrownBy(() -> transaction(node).executeWithoutResult(status -> {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        throw new IllegalStateException("a neighbour's callback fails");
                    }
                });
                id.set(client(node).start("announce", "neighbour"));
            })).hasMessageContaining("a neighbour's callback fails");

            // well within the lease: the saga runs on its worker, not after a takeover
            assertThat(client(node).awaitResult(id.get(), String.class, Duration.ofSeconds(10))).isEqualTo("node-a");
            await().atMost(WAIT).until(() -> TestEngine.dispatcher(node).runningCount() == 0);
        }
    }

    @Test
    void concurrentStartsHoldNoMoreWorkersThanTheNodeHas() throws Exception {
        int callers = 8; // each holds a pooled connection (12) until all have started
        try (var engine = new TestEngine()) {
            var node = node(engine, "node-a", openGate(), "saga.dispatcher.worker-threads=2",
                    "saga.dispatcher.poll-interval=10s"); // only the starts themselves hand out workers
            var ledger = Ledger.of(node);
            var barrier = new CyclicBarrier(callers);
            var allStarted = new CountDownLatch(callers);
            var claimedHere = new CopyOnWriteArrayList<Boolean>();
            var ids = new CopyOnWriteArrayList<UUID>();
            var pool = Executors.newFixedThreadPool(callers);
            try {
                var futures = new ArrayList<java.util.concurrent.Future<?>>();
                for (int i = 0; i < callers; i++) {
                    String key = "concurrent-" + i;
                    futures.add(pool.submit(() -> transaction(node).executeWithoutResult(status -> {
                        awaitBarrier(barrier);
                        var id = client(node).start("announce", key);
                        ids.add(id);
                        // read in its own transaction, before the commit: was it written held by a worker here?
                        claimedHere.add(ledger.outbox(id).orElseThrow().claimed());
                        allStarted.countDown();
                        awaitLatch(allStarted); // every start holds its worker (or not) at the same time
                    })));
                }
                for (var future : futures) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }

            assertThat(claimedHere.stream().filter(Boolean::booleanValue).count()).isBetween(1L, 2L);
            for (var id : ids) {
                assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo("node-a");
            }
        }
    }

    static ConfigurableApplicationContext node(TestEngine engine, String name, Gate gate, String... extra) {
        var properties = new ArrayList<>(List.of("saga.dispatcher.node-id=" + name));
        properties.addAll(List.of(extra));
        var node = engine.startNode(List.of(HeldSagas.class), properties,
                context -> context.getBeanFactory().registerSingleton("gate", gate));
        TestEngine.jdbc(node).execute(HeldSagas.CREATE_TABLE);
        return node;
    }

    static Gate openGate() {
        var gate = new Gate();
        gate.release();
        return gate;
    }

    static TransactionTemplate transaction(ConfigurableApplicationContext node) {
        return new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
    }

    static SagaClient client(ConfigurableApplicationContext node) {
        return TestEngine.client(node);
    }

    static HeldSagas.HeldSteps steps(ConfigurableApplicationContext node) {
        return node.getBean(HeldSagas.HeldSteps.class);
    }

    private static boolean polledAfter(ConfigurableApplicationContext node, Instant after) {
        var last = TestEngine.dispatcher(node).lastSuccessfulPoll();
        return last != null && last.isAfter(after);
    }

    private static void awaitBarrier(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every caller started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
