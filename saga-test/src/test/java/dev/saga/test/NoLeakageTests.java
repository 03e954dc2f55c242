package dev.saga.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.saga.SagaClient;
import dev.saga.test.fixture.KitApplication;

/** What one test leaves behind (a waiting saga, a moved clock, a stub, a crash) is gone in the next. */
@SpringBootTest(classes = KitApplication.class)
@SagaTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NoLeakageTests {

    private static UUID leftWaiting;
    private static UUID leftCrashed;

    @Autowired
    SagaTestKit sagas;

    @Autowired
    SagaClient client;

    @Test
    @Order(1)
    void aTestThatLeavesSagasBehind() {
        sagas.stub("charge").alwaysFails(new IllegalStateException("left over"));
        leftWaiting = client.start("subscription", "left-waiting");
        sagas.advance(Duration.ofDays(3));
        sagas.crashAt("reserve", CrashPoint.BEFORE_EFFECT);
        leftCrashed = client.start("approval", "left-crashed");
        sagas.awaitQuiet();
    }

    @Test
    @Order(2)
    void theNextTestStartsClean() {
        assertThat(client.find(leftWaiting)).as("deleted after its test").isEmpty();
        assertThat(client.find(leftCrashed)).isEmpty();
        assertThat(Duration.between(Instant.now(), sagas.now()).abs()).isLessThan(Duration.ofMinutes(1));

        var id = client.start("order", "clean");
        sagas.advance(Duration.ofDays(40));
        assertThat(sagas.attempts("charge")).as("no stub left: the method ran").singleElement()
                .extracting(StepAttempt::stubbed).isEqualTo(false);
        assertThat(sagas.attempts("reserve")).as("no crash left").hasSize(1)
                .allSatisfy(attempt -> assertThat(attempt.sagaId()).isEqualTo(id));
    }
}
