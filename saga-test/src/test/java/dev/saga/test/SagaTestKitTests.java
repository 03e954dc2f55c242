package dev.saga.test;

import static dev.saga.test.SagaAssertions.assertThatSaga;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.saga.SagaClient;
import dev.saga.SagaStatus;
import dev.saga.test.fixture.Effects;
import dev.saga.test.fixture.KitApplication;

/** The test clock, stubs and assertions of the kit, on the kit's fixture application; in random order. */
@SpringBootTest(classes = KitApplication.class)
@SagaTest
@TestMethodOrder(MethodOrderer.Random.class)
class SagaTestKitTests {

    @Autowired
    SagaTestKit sagas;

    @Autowired
    SagaClient client;

    @Autowired
    Effects effects;

    @Test
    void aThirtyDaySagaWithFiveTimersAndThreeRetriesRunsToItsEndInWellUnderASecondOfWallTime() {
        sagas.stub("bill").failNext(3, new IllegalStateException("card network down"));
        var start = sagas.now();
        var id = client.start("subscription", "ada");

        long began = System.nanoTime();
        sagas.advance(Duration.ofDays(31));
        var wall = Duration.ofNanos(System.nanoTime() - began);
        System.out.printf("A 30-day saga with 5 timers and 3 retries ran to its end in %d ms of wall time%n",
                wall.toMillis());

        assertThatSaga(id).endedWith(SagaStatus.COMPLETED).attempted("bill", 4);
        var billedAt = client.awaitResult(id, InstantList.class, Duration.ofSeconds(1));
        // each timer fired at its own time, in order: six days apart, the first bill after 3 hourly backoffs
        assertThat(Duration.between(start, billedAt.get(0))).isEqualTo(Duration.ofDays(6).plusHours(1 + 2 + 4));
        for (int i = 1; i < 5; i++) {
            assertThat(Duration.between(billedAt.get(i - 1), billedAt.get(i))).as("period %d", i + 1)
                    .isEqualTo(Duration.ofDays(6));
        }
    }

    @Test
    void aSignalWaitTimesOutWhenTheClockPassesItsTimeoutAndNotBefore() {
        var id = client.start("order", "o-timeout");
        sagas.advance(Duration.ofMinutes(4));
        assertThatSaga(id).completedSteps("charge", "reserve", "ship").isWaitingFor("approve");

        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(id).timedOutWaitingFor("approve").compensated("ship", "reserve", "charge")
                .endedWith(SagaStatus.COMPENSATED).failedWith("not approved within five minutes");
        assertThat(effects.rows("o-timeout")).containsExactly("reserve", "release");
    }

    @Test
    void aSignalSentBeforeTheTimeoutIsReceived() {
        var id = client.start("order", "o-approved");
        sagas.advance(Duration.ofMinutes(2));
        client.signal(id, "approve", "by-ada");
        sagas.advance(Duration.ZERO);
        assertThatSaga(id).received("approve").compensatedNothing()
                .hasOutput("pay-o-approved/label-o-approved/by-ada");
    }

    @Test
    void aDeadlineCancelsTheSagaWhenTheClockPassesIt() {
        var id = client.start("approval", "o-deadline");
        sagas.advance(Duration.ofMinutes(59));
        assertThatSaga(id).isWaitingFor("approve");

        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(id).endedWith(SagaStatus.CANCELLED).compensated("reserve").failedWith("deadline");
    }

    @Test
    void aStepStubbedToFailItsNextAttemptsIsRetriedAndEachFailureIsRecorded() {
        sagas.stub("reserve").failNext(2, new IllegalStateException("stock service down"));
        var id = client.start("order", "o-flaky");
        sagas.advance(Duration.ofMinutes(3)); // two backoffs of a minute, then the real method
        assertThatSaga(id).completedSteps("charge", "reserve", "ship").attempted("reserve", 3);
        assertThat(effects.rows("o-flaky")).as("the method ran once, on the third attempt").containsExactly("reserve");
        assertThat(client.timeline(id).get(1).attempts()).extracting(attempt -> attempt.error())
                .containsExactly("java.lang.IllegalStateException: stock service down",
                        "java.lang.IllegalStateException: stock service down", null);
    }

    @Test
    void aStubbedValueIsTheStepsResultAndItsMethodDoesNotRun() {
        sagas.stub("ship").returns("label-from-stub");
        var id = client.start("order", "o-stubbed");
        sagas.advance(Duration.ZERO);
        client.signal(id, "approve", "ok");
        sagas.advance(Duration.ZERO);
        assertThatSaga(id).hasOutput("pay-o-stubbed/label-from-stub/ok");
        assertThat(effects.noted("ship o-stubbed")).isEmpty();
        assertThat(sagas.attempts("ship")).singleElement().extracting(StepAttempt::stubbed).isEqualTo(true);
    }

    @Test
    void aStepStubbedToAlwaysFailFailsForGoodOnceItsRetriesAreSpentAndTheSagaIsCompensated() {
        sagas.stub("orderSteps.ship").alwaysFails(new IllegalStateException("carrier gone"));
        var id = client.start("order", "o-nocarrier");
        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(id).attempted("ship", 2);

        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(id).attempted("ship", 3).compensated("ship", "reserve", "charge")
                .endedWith(SagaStatus.COMPENSATED).failedWith("carrier gone");
    }

    @Test
    void aFailedAssertionShowsTheSagasTimeline() {
        var id = client.start("order", "o-assert");
        sagas.advance(Duration.ZERO);
        assertThatThrownBy(() -> assertThatSaga(id).completedSteps("charge", "ship"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[charge, ship]")
                .hasMessageContaining("[orderSteps.charge, orderSteps.reserve, orderSteps.ship]")
                .hasMessageContaining("1 STEP orderSteps.reserve COMPLETED -> \"res-o-assert\"")
                .hasMessageContaining("3 SIGNAL approve WAITING");
    }

    @Test
    void theClockStartsEachTestAtTheSystemTimeAndStandsStillUntilMoved() {
        assertThat(Duration.between(Instant.now(), sagas.now()).abs()).isLessThan(Duration.ofMinutes(1));
        var now = sagas.now();
        sagas.advance(Duration.ZERO);
        assertThat(sagas.now()).isEqualTo(now);
        sagas.advance(Duration.ofDays(400));
        assertThat(sagas.now()).isEqualTo(now.plus(Duration.ofDays(400)));
        assertThatThrownBy(() -> sagas.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    /** The subscription's output. */
    static final class InstantList extends java.util.ArrayList<Instant> {
    }

}
