package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Gate;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.retention.RetentionJob;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * What callers lock, what the dispatcher locks, and in which order: nothing a caller does stalls a
 * node's lease renewals, and statements that race re-check what they act on.
 */
@ExtendWith(OutputCaptureExtension.class)
class LockAndLeaseTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void aCallerTransactionHeldOpenAfterASignalDoesNotStallLeaseRenewals() throws Exception {
        callerHoldsItsTransactionOpenAfter((client, id) -> client.signal(id, "noise", "unread"), SagaStatus.COMPLETED);
    }

    @Test
    void aCallerTransactionHeldOpenAfterACancelDoesNotStallLeaseRenewals() throws Exception {
        callerHoldsItsTransactionOpenAfter((client, id) -> client.cancel(id, "changed my mind"), SagaStatus.CANCELLED);
    }

    private void callerHoldsItsTransactionOpenAfter(BiConsumer<SagaClient, UUID> call, SagaStatus ending)
            throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var node = HotPathStartTests.node(engine, "node-a", gate, "saga.dispatcher.lease=1s");
            var client = TestEngine.client(node);
            var id = client.start("announce", "held-open");
            assertThat(gate.awaitEntered()).as("the saga runs its step on node-a").isTrue();
            var called = new CountDownLatch(1);
            var commit = new CountDownLatch(1);
            var caller = CompletableFuture.runAsync(() -> HotPathStartTests.transaction(node).executeWithoutResult(
                    status -> {
                        call.accept(client, id);
                        called.countDown();
                        awaitLatch(commit); // the caller's transaction stays open, three leases long
                    }), callers);
            assertThat(called.await(10, TimeUnit.SECONDS)).isTrue();

            var ledger = Ledger.of(node);
            var before = ledger.leaseEnd(id);
            // renewed every lease / 3 while the caller's transaction is open: twice moves it 600 ms on
            // (not compared with the test's clock: a pause of this JVM longer than the lease is no stall)
            await().atMost(Duration.ofSeconds(3)).until(() -> ledger.leaseEnd(id).isAfter(before.plusMillis(600)));
            assertThat(ledger.instance(id).fencing()).as("nobody took it over").isEqualTo(1);

            commit.countDown();
            caller.get(10, TimeUnit.SECONDS);
            gate.release();
            await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
            assertThat(client.find(id).orElseThrow().status()).isEqualTo(ending);
            assertThat(HotPathStartTests.steps(node).count("held-open", "announce")).isEqualTo(1);
        }
    }

    @Test
    void aSignalRacingTheSagasFinishCausesNoDeadlock(CapturedOutput output) throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var node = HotPathStartTests.node(engine, "node-a", gate, "saga.dispatcher.lease=5s");
            var jdbc = TestEngine.jdbc(node);
            // the injected delay: every engine write of the signalling caller holds its locks half a second
            jdbc.execute("create function saga.slow_caller() returns trigger language plpgsql as $$ begin"
                    + " if current_setting('application_name') = 'slow-caller' then perform pg_sleep(0.5); end if;"
                    + " return null; end $$");
            for (var table : List.of("saga_instance", "saga_outbox", "saga_signal")) {
                jdbc.execute("create trigger slow_caller after insert or update on saga." + table
                        + " for each row execute function saga.slow_caller()");
            }
            var client = TestEngine.client(node);
            var id = client.start("announce", "race");
            assertThat(gate.awaitEntered()).isTrue();

            var signal = CompletableFuture.supplyAsync(() -> HotPathStartTests.transaction(node).execute(status -> {
                jdbc.execute("set local application_name = 'slow-caller'");
                return client.signal(id, "noise", "racing the finish");
            }), callers);
            await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from pg_stat_activity"
                    + " where application_name = 'slow-caller' and wait_event = 'PgSleep'", Long.class) > 0);
            gate.release(); // the saga finishes while the signal holds its first lock

            assertThat(signal.get(30, TimeUnit.SECONDS)).isEqualTo(SignalResult.DELIVERED);
            assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("node-a");
            assertThat(output).doesNotContain("deadlock detected");
        }
    }

    @Test
    void aNodeRestartedWithTheSameIdTakesOverItsPredecessorsSagasAsTakeovers() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var crashed = HotPathStartTests.node(engine, "node-a", gate, "saga.dispatcher.lease=1s");
            var id = TestEngine.client(crashed).start("announce", "predecessor");
            assertThat(gate.awaitEntered()).isTrue();
            TestEngine.dispatcher(crashed).halt(); // a crash: its claim stays until the lease runs out

            // no takeover is allowed: the successor's claim of the saga counts as one, so it is parked
            var successor = HotPathStartTests.node(engine, "node-a", gate, "saga.dispatcher.lease=1s",
                    "saga.max-recovery-attempts=0");

            await().atMost(WAIT).until(() -> TestEngine.client(successor).find(id).orElseThrow().status().isTerminal());
            assertThat(TestEngine.client(successor).find(id).orElseThrow().status()).isEqualTo(SagaStatus.PARKED);
            gate.release();
            assertThat(gate.awaitLeft()).isTrue();
        }
    }

    @Test
    void aDeadlineThatPassesWhileTheSagaStartsCompensatingLeavesItCompensated() {
        try (var engine = new TestEngine()) {
            var node = HotPathStartTests.node(engine, "node-a", HotPathStartTests.openGate(),
                    "saga.dispatcher.lease=5s");
            var jdbc = TestEngine.jdbc(node);
            // the injected delay: the run's switch to COMPENSATING holds the instance row for 1.5 s
            jdbc.execute("create function saga.slow_to_compensate() returns trigger language plpgsql as"
                    + " $$ begin perform pg_sleep(1.5); return new; end $$");
            jdbc.execute("create trigger slow_to_compensate before update on saga.saga_instance for each row"
                    + " when (old.status = 'RUNNING' and new.status = 'COMPENSATING')"
                    + " execute function saga.slow_to_compensate()");
            var client = TestEngine.client(node);

            // fails at once; its deadline passes while it switches to compensating
            var id = client.start("clock", "deadline-race", StartOptions.defaults().withDeadline(Duration.ofMillis(500)));

            await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
            var saga = client.find(id).orElseThrow();
            assertThat(saga.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(saga.error()).contains("refused deadline-race").doesNotContain("deadline of");
        }
    }

    @Test
    void retentionKeepsASagaThatAnOperatorIsRetrying() throws Exception {
        try (var engine = new TestEngine()) {
            var node = HotPathStartTests.node(engine, "node-a", HotPathStartTests.openGate(),
                    "saga.retention.parked=1d");
            var id = parkedTwoDaysAgo(node, "retried");
            var retried = new CountDownLatch(1);
            var commit = new CountDownLatch(1);
            var operator = CompletableFuture.runAsync(() -> HotPathStartTests.transaction(node).executeWithoutResult(
                    status -> {
                        TestEngine.client(node).retry(id);
                        retried.countDown();
                        awaitLatch(commit);
                    }), callers);
            assertThat(retried.await(10, TimeUnit.SECONDS)).isTrue();

            // the retry holds the saga's row: the delete skips it rather than waiting for the operator
            var deleting = CompletableFuture.supplyAsync(() -> node.getBean(RetentionJob.class).deleteExpired(),
                    callers);
            assertThat(deleting.get(10, TimeUnit.SECONDS)).as("nothing deleted, while the retry is open").isZero();
            commit.countDown();
            operator.get(10, TimeUnit.SECONDS);

            assertThat(node.getBean(RetentionJob.class).deleteExpired()).as("nor once the retry committed").isZero();
            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo("node-a");
        }
    }

    @Test
    void cancelRefusesASagaWaitingForAnOperatorWhileSignalsAreStillStoredForIt() {
        try (var engine = new TestEngine()) {
            var node = HotPathStartTests.node(engine, "node-a", HotPathStartTests.openGate());
            var client = TestEngine.client(node);
            var id = parkedTwoDaysAgo(node, "parked");

            assertThatThrownBy(() -> client.cancel(id, "give up")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Saga " + id + " is PARKED and waits for an operator; cancel applies to running sagas"
                            + " only. Retry it (it resumes where it stopped), or leave it");
            assertThat(client.signal(id, "later", "kept")).isEqualTo(SignalResult.DELIVERED);
            assertThat(Ledger.of(node).signals(id)).hasSize(1);
        }
    }

    /** An {@code announce} saga that was parked two days ago (no outbox row, as a parked saga has none). */
    private static UUID parkedTwoDaysAgo(ConfigurableApplicationContext node, String key) {
        var id = UUID.randomUUID();
        var now = Instant.now();
        node.getBean(CallerWrites.class).insertInstance(id, "announce", 1, null, "\"" + key + "\"", null, now,
                now.plusSeconds(3600), null, 0, null);
        var jdbc = TestEngine.jdbc(node);
        jdbc.update("delete from saga.saga_outbox where saga_id = ?", id);
        jdbc.update("update saga.saga_instance set status = 'PARKED', error = 'parked by the test',"
                + " finished_at = now() - interval '2 days' where id = ?", id);
        return id;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
