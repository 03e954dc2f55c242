package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Declined;
import dev.saga.fixtures.FailureConfiguration;
import dev.saga.fixtures.Gate;
import dev.saga.fixtures.Journal;
import dev.saga.fixtures.Script;
import dev.saga.internal.ledger.AttemptRecord;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** What is retried, what is compensated, what is parked; policies from application.yml. */
class FailureSemanticsTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Gate OPEN = openGate();
    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static Script script;
    private static Journal journal;
    private static SagaClient client;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        script = new Script();
        node = start(engine, script, OPEN);
        journal = node.getBean(Journal.class);
        client = TestEngine.client(node);
    }

    @AfterAll
    static void stopNode() {
        script.endHangs();
        engine.close();
    }

    @Test
    void retriesTransientFailuresAsConfiguredAndCompletesWithoutCompensating() {
        script.fail("call", "transient-1", 3, () -> new IllegalStateException("busy"));

        var id = client.start("retrying", "transient-1");

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("call-transient-1");
        assertThat(journal.of("transient-1")).containsExactly("first", "call", "call", "call", "call");
        var call = ledger(id).get(1);
        assertThat(call.attempts()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3, 4);
        assertThat(gaps(call)).as("backoff 20ms, 40ms, 80ms from saga.sagas.retrying.steps.call")
                .satisfies(g -> assertThat(g.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(15)))
                .satisfies(g -> assertThat(g.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(35)))
                .satisfies(g -> assertThat(g.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(75)));
    }

    @Test
    void callsAnAlwaysFailingStepMaxRetriesPlusOneTimesThenCompensates() {
        script.fail("call", "always-1", Integer.MAX_VALUE, () -> new IllegalStateException("down"));

        var id = client.start("retrying", "always-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(script.calls("call", "always-1")).as("max-retries 3 + 1").isEqualTo(4);
        assertThat(journal.of("always-1")).as("the failed call gets no result, but the key it was called with")
                .endsWith("undo call null key=" + id + "/1", "undo first first-always-1");
    }

    @Test
    void failsAStepAtOnceOnAnExcludedExceptionAndSkipsItsCompensationWhenItProvesNoEffect() {
        script.fail("chargeCard", "declined-1", Integer.MAX_VALUE, () -> new Declined("card declined"));

        var id = client.start("declining", "declined-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(script.calls("chargeCard", "declined-1")).as("excluded: no retry").isEqualTo(1);
        assertThat(journal.of("declined-1")).containsExactly("first", "chargeCard", "undo first first-declined-1");
    }

    @Test
    void recognisesANoEffectExceptionAlsoWhenItIsTheCauseOfTheFailure() {
        script.fail("chargeCard", "declined-2", Integer.MAX_VALUE,
                () -> new IllegalStateException("gateway said no", new Declined("card declined")));

        var id = client.start("declining", "declined-2");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(journal.of("declined-2")).containsExactly("first", "chargeCard", "undo first first-declined-2");
    }

    @Test
    void compensatesASagaWhoseOutputCannotBeStored() {
        var id = client.start("unstorable", "unstorable-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(client.find(id).orElseThrow().error()).contains("Cannot store output of saga unstorable");
        assertThat(journal.of("unstorable-1")).containsExactly("first", "undo first first-unstorable-1");
    }

    @Test
    void compensatesANonTransactionalStepWhoseLastAttemptTimedOut() {
        script.hang("call", "timeout-1", 1);

        var id = client.start("timed", "timeout-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(client.find(id).orElseThrow().error()).contains(StepTimeoutException.class.getName())
                .contains("300ms");
        assertThat(journal.of("timeout-1")).containsExactly("first", "call", "undo call null key=" + id + "/1",
                "undo first first-timeout-1");
    }

    @Test
    void cancellingASagaWhoseStepWaitsForARetryUndoesThatStepToo() {
        script.fail("call", "cancel-retry-1", Integer.MAX_VALUE, () -> new IllegalStateException("timed out"));
        var id = client.start("retry-slowly", "cancel-retry-1");
        var ledger = Ledger.of(node);
        await().atMost(WAIT).until(() -> script.calls("call", "cancel-retry-1") == 1 && ledger.hasUnclaimedWork(id));

        client.cancel(id, "customer left");

        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
        assertThat(client.find(id).orElseThrow().status()).isEqualTo(SagaStatus.CANCELLED);
        assertThat(journal.of("cancel-retry-1")).as("its failed attempt may have taken effect")
                .containsExactly("first", "call", "undo call null key=" + id + "/1", "undo first first-cancel-retry-1");
    }

    @Test
    void recordsAStepThatHangsPastItsTimeoutAsAFailedAttemptAndRetriesIt() {
        script.hang("call", "timeout-2", 2);

        var id = client.start("timed-retry", "timeout-2");

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("call-timeout-2");
        var call = ledger(id).get(0);
        assertThat(call.attempts()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3);
        assertThat(call.attempts().subList(0, 2)).allSatisfy(a -> assertThat(a.error())
                .startsWith(StepTimeoutException.class.getName()));
        assertThat(call.attempts().get(2).error()).isNull();
    }

    @Test
    void doesNotCompensateATransactionalStepThatFailedBecauseItRolledBack() {
        script.fail("reserve", "rolled-1", Integer.MAX_VALUE, () -> new IllegalStateException("constraint"));

        var id = client.start("reserving", "rolled-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(journal.of("rolled-1")).containsExactly("first", "reserve", "reserve", "undo first first-rolled-1");
        assertThat(TestEngine.jdbc(node).queryForObject("select count(*) from test_effect where saga_key = 'rolled-1'",
                Integer.class)).as("both attempts rolled back").isZero();
    }

    @Test
    void endsWithTheSagasResultAfterSagasCompensateAndRecordsTheCompensations() {
        script.fail("notify", "reject-1", 1, () -> new IllegalStateException("mail server busy"));

        var id = client.start("rejecting", "reject-1");

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("REJECTED reject-1");
        assertThat(journal.of("reject-1")).as("replayed after the notify retry without undoing anything twice")
                .containsExactly("first", "call", "undo call call-reject-1 key=" + id + "/1",
                        "undo first first-reject-1", "notify", "notify");
        assertThat(ledger(id)).extracting(StepRecord::seq, StepRecord::kind, StepRecord::name, StepRecord::status)
                .containsExactly(
                        tuple(0, StepKind.STEP, "failureSteps.first", StepStatus.COMPLETED),
                        tuple(1, StepKind.STEP, "failureSteps.call", StepStatus.COMPLETED),
                        tuple(2, StepKind.COMPENSATE, "compensate", StepStatus.COMPLETED),
                        tuple(3, StepKind.COMPENSATION, "failureSteps.call", StepStatus.COMPLETED),
                        tuple(4, StepKind.COMPENSATION, "failureSteps.first", StepStatus.COMPLETED),
                        tuple(5, StepKind.STEP, "failureSteps.notifyCustomer", StepStatus.COMPLETED));
    }

    @Test
    void compensatesEarlierCallsOfAStepInALoopInReverseAndNeverAttemptsTheRest() {
        script.fail("item3", "loop-1", Integer.MAX_VALUE, () -> new IllegalStateException("item 3 unavailable"));

        var id = client.start("loop", "loop-1");

        assertFinishedAs(id, SagaStatus.COMPENSATED);
        assertThat(effects("loop-1")).containsExactly("item1", "item2", "undo item2", "undo item1");
    }

    @Test
    void retriesForwardAfterAPivotAndParksInsteadOfCompensating() {
        script.fail("call", "pivot-1", Integer.MAX_VALUE, () -> new IllegalStateException("carrier lost it"));

        var id = client.start("pivoting", "pivot-1");

        assertFinishedAs(id, SagaStatus.PARKED);
        assertThat(client.find(id).orElseThrow().error()).contains("pivot step 'failureSteps.ship'")
                .contains("carrier lost it");
        assertThat(journal.of("pivot-1")).containsExactly("first", "ship", "call", "call");
    }

    @Test
    void runsNothingTwiceWhenANodeDiesInTheMiddleOfALoop() throws Exception {
        var gate = new Gate();
        var localScript = new Script().fail("item3", "loop-crash", Integer.MAX_VALUE,
                () -> new IllegalStateException("item 3 unavailable"));
        try (var local = new TestEngine()) {
            var nodeA = start(local, localScript, gate, "saga.dispatcher.lease=1s");
            var id = TestEngine.client(nodeA).start("loop", "loop-crash");
            assertThat(gate.awaitEntered()).isTrue();
            TestEngine.dispatcher(nodeA).halt();

            var nodeB = start(local, localScript, gate, "saga.dispatcher.lease=1s");
            await().atMost(WAIT).until(() -> TestEngine.client(nodeB).find(id).orElseThrow().status().isTerminal());
            gate.release();
            assertThat(gate.awaitLeft()).isTrue();
            await().atMost(WAIT).until(() -> TestEngine.dispatcher(nodeA).runningCount() == 0);

            assertThat(TestEngine.client(nodeB).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(TestEngine.jdbc(nodeB).queryForList("select step from test_effect where saga_key = 'loop-crash'"
                    + " order by id", String.class)).containsExactly("item1", "item2", "undo item2", "undo item1");
        }
    }

    @Test
    void parksASagaWhoseRunsKeepLosingTheirNode() {
        var hangs = new Script().hang("hang", "poison-1", Integer.MAX_VALUE);
        try (var local = new TestEngine()) {
            var nodes = new ArrayList<ConfigurableApplicationContext>();
            nodes.add(start(local, hangs, OPEN, "saga.dispatcher.lease=1s", "saga.max-recovery-attempts=1"));
            var id = TestEngine.client(nodes.get(0)).start("hanging", "poison-1");
            for (int takeovers = 1; takeovers <= 2; takeovers++) {
                int expectedCalls = takeovers;
                await().atMost(WAIT).until(() -> hangs.calls("hang", "poison-1") == expectedCalls);
                TestEngine.dispatcher(nodes.get(nodes.size() - 1)).halt(); // the run took its node down
                nodes.add(start(local, hangs, OPEN, "saga.dispatcher.lease=1s", "saga.max-recovery-attempts=1"));
            }
            var last = TestEngine.client(nodes.get(nodes.size() - 1));
            await().atMost(WAIT).until(() -> last.find(id).orElseThrow().status() == SagaStatus.PARKED);

            assertThat(last.find(id).orElseThrow().error()).contains("poison saga").contains("2 times")
                    .contains("saga.max-recovery-attempts is 1");
            assertThat(hangs.calls("hang", "poison-1")).as("the third node did not run it").isEqualTo(2);
        } finally {
            hangs.endHangs();
        }
    }

    @Test
    void failsStartupForConfigurationKeysThatNameNothing() {
        try (var local = new TestEngine()) {
            assertThatThrownBy(() -> start(local, new Script(), OPEN, "saga.sagas.retryng.retry.max-retries=2",
                    "saga.sagas.retrying.steps.cal.max-retries=2"))
                    .cause().isInstanceOf(SagaDefinitionException.class)
                    .hasMessageContaining("saga.sagas.retryng names no saga")
                    .hasMessageContaining("saga.sagas.retrying.steps.cal names no step");
            assertThatThrownBy(() -> start(local, new Script(), OPEN, "saga.history.max-entries=0"))
                    .hasStackTraceContaining("saga.history.max-entries must satisfy").hasStackTraceContaining("are 1000 and 0");
            assertThatThrownBy(() -> start(local, new Script(), OPEN, "saga.sagas.retrying.deadline=0s"))
                    .hasStackTraceContaining("saga.sagas.<saga>.deadline must be positive");
            assertThatThrownBy(() -> start(local, new Script(), OPEN,
                    "saga.sagas.retrying.retry.excludes=com.example.NoSuchException"))
                    .hasStackTraceContaining("saga.sagas.retrying.retry.excludes")
                    .hasStackTraceContaining("com.example.NoSuchException");
        }
    }

    private static ConfigurableApplicationContext start(TestEngine engine, Script script, Gate gate, String... extra) {
        var properties = new ArrayList<>(List.of("spring.config.import=classpath:failure-semantics.yml",
                "saga.dispatcher.max-inline-wait=0ms"));
        properties.addAll(List.of(extra));
        return engine.startNode(List.of(FailureConfiguration.class), properties, context -> {
            context.getBeanFactory().registerSingleton("script", script);
            context.getBeanFactory().registerSingleton("gate", gate);
        });
    }

    private static Gate openGate() {
        var gate = new Gate();
        gate.release();
        return gate;
    }

    private static void assertFinishedAs(UUID id, SagaStatus status) {
        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
        assertThat(client.find(id).orElseThrow().status()).isEqualTo(status);
    }

    private static List<StepRecord> ledger(UUID id) {
        return Ledger.of(node).steps(id);
    }

    private static List<String> effects(String key) {
        return TestEngine.jdbc(node).queryForList("select step from test_effect where saga_key = ? order by id",
                String.class, key);
    }

    private static List<Duration> gaps(StepRecord step) {
        var attempts = step.attempts();
        return java.util.stream.IntStream.range(1, attempts.size())
                .mapToObj(i -> Duration.between(attempts.get(i - 1).endedAt(), attempts.get(i).startedAt())).toList();
    }
}
