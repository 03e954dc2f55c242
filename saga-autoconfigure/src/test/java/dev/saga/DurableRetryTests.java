package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.FlakyConfiguration;
import dev.saga.fixtures.FlakySteps;
import dev.saga.internal.ledger.AttemptRecord;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** Retries are recorded, spaced by growing backoff, and survive a restart; replay checks determinism. */
class DurableRetryTests {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUSPEND_EVERY_WAIT = "saga.dispatcher.max-inline-wait=0ms";

    @Test
    void retriesAFailingStepTheConfiguredNumberOfTimesWithGrowingGapsAcrossARestart() {
        try (var engine = new TestEngine()) {
            var first = engine.startNode(List.of(FlakyConfiguration.class), SUSPEND_EVERY_WAIT);
            var id = TestEngine.client(first).start("flaky", "retry-1");
            await().atMost(WAIT).until(() -> attempts(first, "retry-1") == 2);
            first.close(); // a restart while the saga waits for its third attempt

            var second = engine.startNode(List.of(FlakyConfiguration.class), SUSPEND_EVERY_WAIT);
            await().atMost(WAIT).until(() -> TestEngine.client(second).find(id).orElseThrow().status().isTerminal());

            assertThat(attempts(second, "retry-1")).as("1 attempt + max-retries 3, across both nodes").isEqualTo(4);
            StepRecord step = ledger(second, id).get(0);
            assertThat(step.status()).isEqualTo(StepStatus.FAILED);
            assertThat(step.attempts()).extracting(AttemptRecord::attempt).containsExactly(1, 2, 3, 4);
            assertThat(step.attempts()).allSatisfy(a -> assertThat(a.error()).contains("service unavailable"));
            var gaps = gaps(step.attempts());
            assertThat(gaps.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            assertThat(gaps.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(590)).isGreaterThan(gaps.get(0));
            // the second gap spans the restart, so only its lower bound says something
            assertThat(gaps.get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(1190));
            assertThat(TestEngine.client(second).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
        }
    }

    @Test
    void parksASagaWhoseCodeNoLongerMatchesItsHistoryNamingBothSteps() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(FlakyConfiguration.class), SUSPEND_EVERY_WAIT);
            var id = TestEngine.client(node).start("flaky", "changed-1");
            await().atMost(WAIT).until(() -> attempts(node, "changed-1") == 1);

            node.getBean(FlakySteps.class).deployNewCode();

            await().atMost(WAIT).until(() -> TestEngine.client(node).find(id).orElseThrow().status() == SagaStatus.PARKED);
            assertThat(TestEngine.client(node).find(id).orElseThrow().error())
                    .contains("flakySteps.alwaysFails").contains("flakySteps.replacement").contains("#0");
            assertThat(attempts(node, "changed-1")).as("the parked saga runs nothing more").isEqualTo(1);
        }
    }

    @Test
    void replaysRecordedTimeAndRandomIdsAfterASuspension() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(FlakyConfiguration.class), SUSPEND_EVERY_WAIT);
            var id = TestEngine.client(node).start("stamped", "stamped-1");

            var output = TestEngine.client(node).awaitResult(id, String.class, WAIT);

            var ledger = ledger(node, id);
            assertThat(ledger).extracting(StepRecord::name).containsExactly("now", "randomUUID", "flakySteps.lookup",
                    "flakySteps.failsOnce");
            assertThat(ledger.get(3).attemptCount()).as("the saga was suspended and replayed once").isEqualTo(2);
            var recordedNow = ledger.get(0).result().replace("\"", "");
            var recordedId = ledger.get(1).result().replace("\"", "");
            assertThat(output).isEqualTo(java.time.Instant.parse(recordedNow) + " " + recordedId + " done");
            assertThat(Sagas.inSaga()).isFalse();
        }
    }

    private static int attempts(ConfigurableApplicationContext node, String key) {
        return TestEngine.jdbc(node).queryForObject("select count(*) from test_attempt where saga_key = ?",
                Integer.class, key);
    }

    private static List<StepRecord> ledger(ConfigurableApplicationContext node, UUID id) {
        return Ledger.of(node).steps(id);
    }

    private static List<Duration> gaps(List<AttemptRecord> attempts) {
        return java.util.stream.IntStream.range(1, attempts.size())
                .mapToObj(i -> Duration.between(attempts.get(i - 1).endedAt(), attempts.get(i).startedAt()))
                .toList();
    }
}
