package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Gate;
import dev.saga.fixtures.HeldSagas;
import dev.saga.testsupport.MovableClock;
import dev.saga.testsupport.TestEngine;

/** Identities and bounds: idempotency keys, the engine's clock everywhere, the timed-step threads, timeouts. */
@ExtendWith(OutputCaptureExtension.class)
class EngineBoundsTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void idempotencyKeysDoNotRepeatAcrossContinueAsNew() {
        try (var engine = new TestEngine()) {
            var node = node(engine, new MovableClock());
            var id = TestEngine.client(node).start("keys", 1);

            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo(id + "/3/0");
            assertThat(steps(node).keys()).containsExactly(id + "/0", id + "/2/0", id + "/3/0");
        }
    }

    @Test
    void sagasNowInATimedStepAndInACompensationIsTheEngineClock() {
        var clock = new MovableClock();
        clock.advance(Duration.ofDays(1));
        try (var engine = new TestEngine()) {
            var node = node(engine, clock);
            var id = TestEngine.client(node).start("clock", "a-day-ahead");

            await().atMost(WAIT).until(() -> TestEngine.client(node).find(id).orElseThrow().status().isTerminal());
            assertThat(TestEngine.client(node).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(steps(node).nows()).hasSize(2) // the timed step, then its compensation
                    .allSatisfy(now -> assertThat(now).isAfter(Instant.now().plus(Duration.ofHours(23))));
        }
    }

    @Test
    void abandonedTimedAttemptsHoldNoMoreThreadsThanTheNodeHasWorkers(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var node = node(engine, new MovableClock(), "saga.dispatcher.worker-threads=1");
            var id = TestEngine.client(node).start("stuck", "k");

            // its first attempt never returns (it ignores interrupts); the next ones find no thread free
            await().atMost(WAIT).until(() -> output.toString().contains("all threads for steps with a timeout"
                    + " (saga.dispatcher.worker-threads) are busy (abandoned attempts that have not returned yet)"));
            assertThat(timedStepThreads()).isLessThanOrEqualTo(1);
            assertThat(steps(node).stuckAttempts()).isEqualTo(1);

            steps(node).unstick();
            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo("unstuck k");
            assertThat(timedStepThreads()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aStepThatRunsPastItsOwnTransactionTimeoutFailsByItsRetryPolicy() {
        try (var engine = new TestEngine()) {
            var node = node(engine, new MovableClock());
            var id = TestEngine.client(node).start("slow", "k");

            await().atMost(WAIT).until(() -> TestEngine.client(node).find(id).orElseThrow().status().isTerminal());
            assertThat(TestEngine.client(node).find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(steps(node).slowAttempts()).as("the first attempt and its one retry").isEqualTo(2);
            assertThat(steps(node).count("k", "slow")).as("both rolled back").isZero();
            var step = TestEngine.client(node).timeline(id).get(0);
            assertThat(step.status()).isEqualTo("FAILED");
            assertThat(step.attempts()).hasSize(2)
                    .allSatisfy(attempt -> assertThat(attempt.error()).contains("TransactionTimedOutException"));
        }
    }

    private static long timedStepThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("saga-timed-step-")).count();
    }

    private static ConfigurableApplicationContext node(TestEngine engine, MovableClock clock, String... extra) {
        var properties = new ArrayList<>(List.of("saga.dispatcher.node-id=node-a"));
        properties.addAll(List.of(extra));
        var gate = new Gate();
        gate.release();
        var node = engine.startNode(List.of(HeldSagas.class), properties, context -> {
            context.getBeanFactory().registerSingleton("gate", gate);
            context.getBeanFactory().registerSingleton("sagaClock", clock.asSagaClock());
        });
        TestEngine.jdbc(node).execute(HeldSagas.CREATE_TABLE);
        return node;
    }

    private static HeldSagas.HeldSteps steps(ConfigurableApplicationContext node) {
        return node.getBean(HeldSagas.HeldSteps.class);
    }
}
