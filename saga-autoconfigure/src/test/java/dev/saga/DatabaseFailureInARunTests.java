package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.saga.fixtures.OutageConfiguration;
import dev.saga.testsupport.TestEngine;

/** The database failing under a running saga is the engine's problem, not the saga's. */
class DatabaseFailureInARunTests {

    @Test
    void retriesTheRunInsteadOfCompensatingWhenTheDatabaseFailsWhileRecordingAStep() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(OutageConfiguration.class), "saga.dispatcher.lease=1s");
            var client = TestEngine.client(node);
            var steps = node.getBean(OutageConfiguration.OutageSteps.class);

            var id = client.start("outage", "k-1");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.find(id).map(SagaView::status).filter(SagaStatus::isTerminal).isPresent());
            assertThat(client.find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(steps.attempts()).isEqualTo(2);
            assertThat(steps.compensations()).isEmpty();
        }
    }

    @Test
    void retriesTheRunInsteadOfFailingTheSagaWhenTheDatabaseFailsWhileRecordingACompensation() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(OutageConfiguration.class), "saga.dispatcher.lease=1s");
            var client = TestEngine.client(node);
            var steps = node.getBean(OutageConfiguration.OutageSteps.class);

            var id = client.start("undo-outage", "k-2");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.find(id).map(SagaView::status).filter(SagaStatus::isTerminal).isPresent());
            assertThat(client.find(id).orElseThrow().status()).isEqualTo(SagaStatus.COMPENSATED);
            // it ran again: its first success was never recorded (a non-transactional compensation is at least once)
            assertThat(steps.compensations()).containsExactly("release k-2", "release k-2");
            var compensation = client.timeline(id).stream().filter(row -> row.kind().equals("COMPENSATION"))
                    .findFirst().orElseThrow();
            assertThat(compensation.attempts()).as("no failed attempt counted").hasSize(1);
        }
    }
}
