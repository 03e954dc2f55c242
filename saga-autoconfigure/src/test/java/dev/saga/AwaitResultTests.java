package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Gate;
import dev.saga.fixtures.Journal;
import dev.saga.fixtures.WaitingConfiguration;
import dev.saga.testsupport.MovableClock;
import dev.saga.testsupport.TestEngine;

/** {@code SagaClient.awaitResult} returns to every caller as soon as the saga has finished, wherever it finished. */
class AwaitResultTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void returnsToEveryCallerWaitingOnTheNodeThatRunsTheSagaAlsoAfterAnotherGaveUp() throws Exception {
        var gate = new Gate();
        try (var engine = new TestEngine()) {
            var client = TestEngine.client(start(engine, new MovableClock(), gate));
            var id = client.start("slow", "waiters-1");
            assertThat(gate.awaitEntered()).isTrue();
            var callers = Executors.newFixedThreadPool(3);
            try {
                var impatient = callers.submit(() -> client.awaitResult(id, String.class, Duration.ofMillis(300)));
                var first = callers.submit(() -> client.awaitResult(id, String.class, WAIT));
                var second = callers.submit(() -> client.awaitResult(id, String.class, WAIT));
                assertThatThrownBy(() -> impatient.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SagaTimeoutException.class);

                gate.release();

                assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow done");
                assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow done");
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void returnsASagaThatAnotherNodeFinishedWhileThisNodesFencedOffWorkerIsStillInItsStep() throws Exception {
        var gate = new Gate();
        var clock = new MovableClock();
        try (var engine = new TestEngine()) {
            var nodeA = start(engine, clock, gate);
            var id = TestEngine.client(nodeA).start("slow", "fenced-1",
                    StartOptions.defaults().withDeadline(Duration.ofHours(1)));
            assertThat(gate.awaitEntered()).as("A runs the slow step").isTrue();
            var nodeB = start(engine, clock, openGate());

            clock.advance(Duration.ofHours(2)); // a poll cancels it, fencing A's run off; B takes it over
            var waitingSince = Instant.now();
            var timeout = Duration.ofSeconds(20);

            assertThatThrownBy(() -> TestEngine.client(nodeA).awaitResult(id, String.class, timeout))
                    .isInstanceOfSatisfying(SagaFailedException.class,
                            failure -> assertThat(failure.status()).isEqualTo(SagaStatus.CANCELLED));
            assertThat(Duration.between(waitingSince, Instant.now())).as("well before the timeout")
                    .isLessThan(timeout.dividedBy(2));
            assertThat(TestEngine.dispatcher(nodeA).runsHere(id)).as("A's worker is still in the step").isTrue();
            assertThat(nodeB.getBean(Journal.class).of("fenced-1")).as("B compensated it")
                    .containsExactly("release 1");
            gate.release();
            assertThat(gate.awaitLeft()).isTrue();
        }
    }

    private static ConfigurableApplicationContext start(TestEngine engine, MovableClock clock, Gate gate) {
        // a lease longer than the clock is moved: only the deadline, never a lease running out, lets B take over
        return engine.startNode(List.of(WaitingConfiguration.class), List.of("saga.dispatcher.lease=3h"), context -> {
            context.getBeanFactory().registerSingleton("sagaClock", clock.asSagaClock());
            context.getBeanFactory().registerSingleton("gate", gate);
        });
    }

    private static Gate openGate() {
        var gate = new Gate();
        gate.release();
        return gate;
    }
}
