package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.fixtures.Gate;
import dev.saga.fixtures.Journal;
import dev.saga.fixtures.WaitingConfiguration;
import dev.saga.fixtures.WaitingSteps;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.MovableClock;
import dev.saga.testsupport.TestEngine;

/** Signals, timers, cancellation and deadlines, with a clock the tests move forward. */
class DurableWaitTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestEngine engine;
    private static MovableClock clock;
    private static ConfigurableApplicationContext node;
    private static SagaClient client;
    private static Journal journal;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        clock = new MovableClock();
        node = start(engine, clock, openGate());
        client = TestEngine.client(node);
        journal = node.getBean(Journal.class);
    }

    @AfterAll
    static void stopNode() {
        engine.close();
    }

    @Test
    void documentSignedWithinThirtyDaysIsArchivedWithoutAReminder() {
        var id = client.start("document-signing", "doc-1");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        clock.advance(Duration.ofDays(10));
        assertThat(client.signal(id, "signed", new WaitingSteps.Signature("Ada"))).isEqualTo(SignalResult.DELIVERED);

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("signed by Ada");
        assertThat(journal.of("doc-1")).containsExactly("sent", "archived, signed by Ada");
    }

    @Test
    void documentSignedAfterTheReminderIsArchived() {
        var id = client.start("document-signing", "doc-2");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        clock.advance(Duration.ofDays(31));
        awaitWaiting(node, id, StepKind.SIGNAL, 2);
        client.signal(id, "signed", new WaitingSteps.Signature("Grace"));

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("signed by Grace");
        assertThat(journal.of("doc-2")).containsExactly("sent", "reminded", "archived, signed by Grace");
    }

    @Test
    void documentNeverSignedIsWithdrawnAfterThirtySevenDays() {
        var id = client.start("document-signing", "doc-3");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        clock.advance(Duration.ofDays(31));
        awaitWaiting(node, id, StepKind.SIGNAL, 2);
        clock.advance(Duration.ofDays(8));

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("NotSigned: doc-3 was not signed within 37 days");
                });
        assertThat(journal.of("doc-3")).containsExactly("sent", "reminded", "withdrawn envelope-doc-3");
        assertThat(client.signal(id, "signed", new WaitingSteps.Signature("late")))
                .as("a signal for a finished saga is not stored").isEqualTo(SignalResult.SAGA_FINISHED);
    }

    @Test
    void keepsASignalSentBeforeTheWaitAndConsumesEachSignalOnce() {
        var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
        var id = transaction.execute(status -> {
            var started = client.start("two-waits", "early-1", StartOptions.businessKey("early-1"));
            client.signal("two-waits", "early-1", "go", "first");  // before the saga ever ran
            return started;
        });
        awaitWaiting(node, id, StepKind.SIGNAL, 2);
        clock.advance(Duration.ofHours(2));

        assertThat(client.awaitResult(id, String.class, WAIT)).as("the second wait did not get the first signal again")
                .isEqualTo("first,none");

        var both = transaction.execute(status -> {
            var started = client.start("two-waits", "early-2");
            client.signal(started, "go", "one");
            client.signal(started, "go", "one again"); // a duplicate delivery
            return started;
        });
        assertThat(client.awaitResult(both, String.class, WAIT)).isEqualTo("one,one again");
        assertThat(Ledger.of(node).signals(both)).extracting(Ledger.Signal::consumedSeq).containsExactly(0, 1);
    }

    @Test
    void completesAsynchronouslyWhenTheWebhookSignalsTheCallbackKeyAStepHandedOut() throws Exception {
        var id = client.start("paid-by-callback", "callback-1");

        var callbackKey = node.getBean(WaitingSteps.class).gatewayCallbacks().poll(30, java.util.concurrent.TimeUnit.SECONDS);
        client.signal(UUID.fromString(callbackKey), "payment-result", "paid"); // what the webhook controller does

        assertThat(callbackKey).isEqualTo(id.toString());
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("paid");
    }

    @Test
    void refusesSignalsForSagasThatDoNotExist() {
        assertThatThrownBy(() -> client.signal(UUID.randomUUID(), "go", "x")).isInstanceOf(UnknownSagaException.class);
        assertThatThrownBy(() -> client.signal("two-waits", "no-such-key", "go", "x"))
                .isInstanceOf(UnknownSagaException.class).hasMessageContaining("no-such-key");
    }

    @Test
    void cancellingAWaitingSagaCompensatesItsStepsInReverseOnce() {
        var id = client.start("reserve-and-wait", "cancel-1");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        client.cancel(id, "customer changed their mind");
        client.cancel(id, "clicked twice");

        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
        var view = client.find(id).orElseThrow();
        assertThat(view.status()).isEqualTo(SagaStatus.CANCELLED);
        assertThat(view.error()).isEqualTo("Cancelled: customer changed their mind");
        assertThat(journal.of("cancel-1")).containsExactly("reserve 1", "reserve 2", "release 2", "release 1");
        assertThatThrownBy(() -> client.cancel(id, "again")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has finished (CANCELLED)");
    }

    @Test
    void cancellingAfterThePivotParksInsteadOfUndoing() {
        var id = client.start("hand-over", "pivot-cancel");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        client.cancel(id, "too late");

        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
        assertThat(client.find(id).orElseThrow().status()).isEqualTo(SagaStatus.PARKED);
        assertThat(client.find(id).orElseThrow().error()).contains("Cancelled: too late")
                .contains("pivot step 'waitingSteps.handOver' completed");
        assertThat(journal.of("pivot-cancel")).containsExactly("reserve 1", "handed over");
    }

    @Test
    void sleepsDurablyWithoutAThread() {
        var id = client.start("reserve-and-wait", "sleep-1");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);
        client.signal(id, "confirmed", "by phone");
        awaitWaiting(node, id, StepKind.SLEEP, 1);
        assertThat(TestEngine.dispatcher(node).runningCount()).as("a sleeping saga holds no worker").isZero();

        clock.advance(Duration.ofDays(1));

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("confirmed by phone");
    }

    @Test
    void theTimelineShowsAnOpenSignalWaitAndAnOpenSleepAsWaitingUntilTheyEnd() {
        var startedAt = clock.instant();
        var id = client.start("reserve-and-wait", "timeline-1");
        awaitWaiting(node, id, StepKind.SIGNAL, 1);

        var waitingForSignal = client.timeline(id);
        assertThat(waitingForSignal).extracting(SagaStepView::kind, SagaStepView::status)
                .containsExactly(tuple("STEP", "COMPLETED"), tuple("STEP", "COMPLETED"), tuple("SIGNAL", "WAITING"));
        assertThat(waitingForSignal.get(2).dueAt()).as("its timeout")
                .isCloseTo(startedAt.plus(Duration.ofDays(2)), within(1, ChronoUnit.MINUTES));

        client.signal(id, "confirmed", "by mail");
        awaitWaiting(node, id, StepKind.SLEEP, 1);

        assertThat(client.timeline(id)).extracting(SagaStepView::kind, SagaStepView::status)
                .containsExactly(tuple("STEP", "COMPLETED"), tuple("STEP", "COMPLETED"), tuple("SIGNAL", "COMPLETED"),
                        tuple("SLEEP", "WAITING"));

        clock.advance(Duration.ofDays(1));
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("confirmed by mail");
        assertThat(client.timeline(id)).extracting(SagaStepView::status).containsOnly("COMPLETED");
    }

    @Test
    void aDeadlinePassingDuringASlowStepCancelsTheSagaAndFencesTheStepsLateResult() throws Exception {
        var gate = new Gate();
        try (var local = new TestEngine()) {
            var localClock = new MovableClock();
            var slowNode = start(local, localClock, gate);
            var id = TestEngine.client(slowNode).start("slow", "deadline-1",
                    StartOptions.defaults().withDeadline(Duration.ofHours(1)));
            assertThat(gate.awaitEntered()).isTrue();

            localClock.advance(Duration.ofHours(2));
            var jdbc = TestEngine.jdbc(slowNode);
            var ledger = Ledger.of(slowNode);
            await().atMost(WAIT).until(() -> ledger.instance(id).cancelReason() != null);
            gate.release();

            await().atMost(WAIT).until(() -> TestEngine.client(slowNode).find(id).orElseThrow().status().isTerminal());
            var view = TestEngine.client(slowNode).find(id).orElseThrow();
            assertThat(view.status()).isEqualTo(SagaStatus.CANCELLED);
            assertThat(view.error()).startsWith("Cancelled: deadline of ").endsWith(" passed");
            assertThat(jdbc.queryForObject("select count(*) from test_effect where saga_key = 'deadline-1'",
                    Integer.class)).as("the slow step's late result was fenced off and rolled back").isZero();
            assertThat(ledger.steps(id)).filteredOn(row -> row.kind() == StepKind.STEP).extracting(StepRecord::status)
                    .containsExactly(StepStatus.COMPLETED);
            assertThat(slowNode.getBean(Journal.class).of("deadline-1")).containsExactly("reserve 1", "release 1");
        }
    }

    @Test
    void cancellingARunningSagaLetsTheRunningStepFinishThenCompensatesItToo() throws Exception {
        var gate = new Gate();
        try (var local = new TestEngine()) {
            var localNode = start(local, new MovableClock(), gate);
            var localClient = TestEngine.client(localNode);
            var id = localClient.start("slow", "cancel-running");
            assertThat(gate.awaitEntered()).isTrue();

            localClient.cancel(id, "operator");
            gate.release();

            await().atMost(WAIT).until(() -> localClient.find(id).orElseThrow().status().isTerminal());
            assertThat(localClient.find(id).orElseThrow().status()).isEqualTo(SagaStatus.CANCELLED);
            assertThat(localNode.getBean(Journal.class).of("cancel-running"))
                    .containsExactly("reserve 1", "undo slow", "release 1");
        }
    }

    @Test
    void aDeadlineConfiguredPerSagaCancelsItsSagas() {
        try (var local = new TestEngine()) {
            var localClock = new MovableClock();
            var localNode = start(local, localClock, openGate(), "saga.sagas.reserve-and-wait.deadline=1d");
            var localClient = TestEngine.client(localNode);
            var id = localClient.start("reserve-and-wait", "configured-deadline");
            assertThat(localClient.find(id).orElseThrow().deadline()).isNotNull();
            awaitWaiting(localNode, id, StepKind.SIGNAL, 1);

            localClock.advance(Duration.ofHours(25));

            await().atMost(WAIT).until(() -> localClient.find(id).orElseThrow().status() == SagaStatus.CANCELLED);
            assertThat(localNode.getBean(Journal.class).of("configured-deadline"))
                    .containsExactly("reserve 1", "reserve 2", "release 2", "release 1");
        }
    }

    @Test
    void anotherNodeResumesAWaitingSagaWhenItsSignalOrTimerArrives() {
        try (var local = new TestEngine()) {
            var localClock = new MovableClock();
            var nodeA = start(local, localClock, openGate());
            var signalled = TestEngine.client(nodeA).start("reserve-and-wait", "moved-1");
            var timed = TestEngine.client(nodeA).start("document-signing", "moved-2");
            awaitWaiting(nodeA, signalled, StepKind.SIGNAL, 1);
            awaitWaiting(nodeA, timed, StepKind.SIGNAL, 1);
            TestEngine.dispatcher(nodeA).halt();

            var nodeB = start(local, localClock, openGate());
            var clientB = TestEngine.client(nodeB);
            clientB.signal(signalled, "confirmed", "by mail");
            awaitWaiting(nodeB, signalled, StepKind.SLEEP, 1);
            localClock.advance(Duration.ofDays(40));

            assertThat(clientB.awaitResult(signalled, String.class, WAIT)).isEqualTo("confirmed by mail");
            awaitWaiting(nodeB, timed, StepKind.SIGNAL, 2);
            localClock.advance(Duration.ofDays(8));
            await().atMost(WAIT).until(() -> clientB.find(timed).orElseThrow().status() == SagaStatus.COMPENSATED);
            assertThat(nodeB.getBean(Journal.class).of("moved-2")).containsExactly("reminded",
                    "withdrawn envelope-moved-2");
        }
    }

    @Test
    void aPatchedBranchIsSkippedBySagasThatPassedItAndTakenByNewOnes() {
        try (var local = new TestEngine()) {
            var localClock = new MovableClock();
            var localNode = start(local, localClock, openGate());
            var localClient = TestEngine.client(localNode);
            var old = localClient.start("loan", "loan-old");
            awaitWaiting(localNode, old, StepKind.SIGNAL, 1);

            localNode.getBean(WaitingSteps.class).deployNewCode();
            var fresh = localClient.start("loan", "loan-new");
            awaitWaiting(localNode, fresh, StepKind.SIGNAL, 1);
            localClient.signal(old, "approved", "Alan");
            localClient.signal(fresh, "approved", "Barbara");

            assertThat(localClient.awaitResult(old, String.class, WAIT)).isEqualTo("approved by Alan");
            assertThat(localClient.awaitResult(fresh, String.class, WAIT)).isEqualTo("approved by Barbara");
            var loanJournal = localNode.getBean(Journal.class);
            assertThat(loanJournal.of("loan-old")).containsExactly("reserve 1");
            assertThat(loanJournal.of("loan-new")).containsExactly("reserve 1", "compliance");
        }
    }

    static ConfigurableApplicationContext start(TestEngine engine, MovableClock clock, Gate gate, String... extra) {
        var properties = new ArrayList<>(List.of("saga.dispatcher.lease=1s"));
        properties.addAll(List.of(extra));
        return engine.startNode(List.of(WaitingConfiguration.class), properties, context -> {
            context.getBeanFactory().registerSingleton("sagaClock", clock.asSagaClock());
            context.getBeanFactory().registerSingleton("gate", gate);
        });
    }

    static Gate openGate() {
        var gate = new Gate();
        gate.release();
        return gate;
    }

    /** Waits until the saga is suspended at its n-th wait of that kind (not running anywhere). */
    static void awaitWaiting(ConfigurableApplicationContext node, UUID id, StepKind kind, int occurrence) {
        var ledger = Ledger.of(node);
        await().atMost(WAIT).until(() -> {
            var rows = ledger.steps(id);
            var waits = rows.stream().filter(row -> row.kind() == kind).toList();
            return waits.size() == occurrence && waits.get(occurrence - 1).status() == StepStatus.RETRYING
                    && ledger.hasUnclaimedWork(id);
        });
    }
}
