package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.AmbiguousCommits;
import dev.saga.fixtures.Gate;
import dev.saga.fixtures.HeldSagas;
import dev.saga.fixtures.InDoubtSagas;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.LedgerConflictException;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * Commits whose reply is lost: the database committed, the engine sees an I/O error. Such a
 * commit is in doubt, never the step's failure; the ledger, read again, says what happened.
 */
@ExtendWith(OutputCaptureExtension.class)
class InDoubtCommitTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aTransactionalStepWhoseCommitReplyIsLostTakesEffectOnceAndRecordsNoFailedAttempt() {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            faults(node).loseCommitReplyOfTransactionRunning("values (?, 'credit')");

            var id = client(node).start("credit", "k-1");

            assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo("credited k-1");
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(ledger(node).count("k-1", "credit")).isEqualTo(1);
            var step = client(node).timeline(id).get(0);
            assertThat(step.status()).isEqualTo("COMPLETED");
            assertThat(step.attempts()).hasSize(1);
            assertThat(step.attempts().get(0).error()).isNull();
        }
    }

    @Test
    void aTransactionalCompensationWhoseCommitReplyIsLostTakesEffectOnce() {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            faults(node).loseCommitReplyOfTransactionRunning("values (?, 'unbook')");

            var id = client(node).start("refund", "k-2");

            assertThatThrownBy(() -> client(node).awaitResult(id, Void.class, WAIT))
                    .isInstanceOf(SagaFailedException.class);
            assertThat(client(node).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(ledger(node).count("k-2", "book")).isEqualTo(1);
            assertThat(ledger(node).count("k-2", "unbook")).isEqualTo(1);
            var compensation = client(node).timeline(id).stream().filter(row -> row.kind().equals("COMPENSATION"))
                    .findFirst().orElseThrow();
            assertThat(compensation.attempts()).hasSize(1);
        }
    }

    @Test
    void aStartOutsideATransactionWhoseReplyIsLostReturnsTheOneSagaItWrote() {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            faults(node).loseReplyOfStatement("with saga as (insert");

            var id = client(node).start("credit", "k-3");

            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo("credited k-3");
            assertThat(Ledger.of(node).instances()).isEqualTo(1);
            assertThat(ledger(node).count("k-3", "credit")).isEqualTo(1);
        }
    }

    @Test
    void aSignalConsumptionWhoseCommitReplyIsLostConsumesTheSignalOnce() {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            var id = client(node).start("approval", "k-4");
            faults(node).loseCommitReplyOfTransactionRunning("set consumed_seq = ?");

            assertThat(client(node).signal(id, "approve", "yes")).isEqualTo(SignalResult.DELIVERED);

            assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo("credited k-4 after yes");
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(ledger(node).count("k-4", "credit")).isEqualTo(1);
            assertThat(Ledger.of(node).consumedSignals()).isEqualTo(1);
        }
    }

    @Test
    void aFinishWhoseReplyIsLostEndsTheSagaOnceWithoutAnError(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            faults(node).loseReplyOfStatement("with finished as (update");

            var id = client(node).start("credit", "k-5");

            assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo("credited k-5");
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(ledger(node).count("k-5", "credit")).isEqualTo(1);
            assertThat(output).doesNotContain("run failed unexpectedly").doesNotContain("ERROR");
        }
    }

    @Test
    void aContinueAsNewWhoseCommitReplyIsLostStartsTheNextRunOnce(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var gate = new Gate();
            gate.release();
            var node = engine.startNode(List.of(HeldSagas.class, AmbiguousCommits.class),
                    List.of("saga.dispatcher.node-id=node-a", "saga.dispatcher.lease=2s"),
                    context -> context.getBeanFactory().registerSingleton("gate", gate));
            faults(node).loseCommitReplyOfTransactionRunning("run = run + 1");

            var id = client(node).start("keys", 1);

            assertThat(client(node).awaitResult(id, String.class, WAIT)).isEqualTo(id + "/3/0");
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(node.getBean(HeldSagas.HeldSteps.class).keys()).as("each run's step once")
                    .containsExactly(id + "/0", id + "/2/0", id + "/3/0");
            assertThat(output).doesNotContain("run failed unexpectedly");
        }
    }

    @Test
    void aClaimWhoseReplyIsLostIsTakenAgainAtOnceNotAfterItsLease() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(InDoubtSagas.class), "saga.dispatcher.lease=60s");
            TestEngine.jdbc(node).execute(InDoubtSagas.CREATE_TABLE);
            faults(node).loseReplyOfStatement("with due as (select o.saga_id");

            // a start delay: written as due work for any node, so that a poll claims it
            var id = client(node).start("credit", "k-7", StartOptions.defaults().withStartDelay(Duration.ofMillis(1)));

            assertThat(client(node).awaitResult(id, String.class, Duration.ofSeconds(20))).isEqualTo("credited k-7");
            assertThat(faults(node).injected()).isEqualTo(1);
            assertThat(ledger(node).count("k-7", "credit")).isEqualTo(1);
        }
    }

    @Test
    void aCompletedLedgerEntryIsNeverOverwrittenByALaterRecord() {
        try (var engine = new TestEngine()) {
            var node = node(engine);
            var ledger = node.getBean(StepStore.class);
            var id = UUID.randomUUID();
            var now = Instant.now();
            // due in an hour and unclaimed: no node runs it while the test writes its ledger
            node.getBean(CallerWrites.class).insertInstance(id, "credit", 1, null, "\"k-6\"", null, now,
                    now.plusSeconds(3600), null, 0, null);
            var fence = new Fence(id, 0, "test-node");
            var started = StepRecord.started(id, 0, StepKind.STEP, "inDoubtLedger.credit", null, "[\"k-6\"]", now);
            ledger.record(fence, started.succeeded("\"credited k-6\"", now, now));

            var failed = started.failed("java.lang.IllegalStateException: too late", now, now, now.plusSeconds(1), false);
            assertThatThrownBy(() -> ledger.record(fence, failed)).isInstanceOf(LedgerConflictException.class)
                    .hasMessageContaining("COMPLETED already");

            var row = ledger.steps(id).get(0);
            assertThat(row.status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(row.result()).isEqualTo("\"credited k-6\"");
        }
    }

    private static ConfigurableApplicationContext node(TestEngine engine) {
        var node = engine.startNode(List.of(InDoubtSagas.class), "saga.dispatcher.lease=2s");
        TestEngine.jdbc(node).execute(InDoubtSagas.CREATE_TABLE);
        return node;
    }

    private static SagaClient client(ConfigurableApplicationContext node) {
        return TestEngine.client(node);
    }

    private static AmbiguousCommits.Faults faults(ConfigurableApplicationContext node) {
        return AmbiguousCommits.of(node.getBean(DataSource.class));
    }

    private static InDoubtSagas.Ledger ledger(ConfigurableApplicationContext node) {
        return node.getBean(InDoubtSagas.Ledger.class);
    }
}
