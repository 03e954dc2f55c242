package dev.saga.test;

import static dev.saga.test.SagaAssertions.assertThatSaga;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.saga.SagaClient;
import dev.saga.SagaStatus;
import dev.saga.test.fixture.Effects;
import dev.saga.test.fixture.KitApplication;

/**
 * The node dies in a step, at each point of it, and a fresh node on the same database takes the
 * saga over: no completed step runs again, and a step whose record was lost runs again with the
 * same idempotency key (the transactional one's effect rolled back with its record).
 */
@SpringBootTest(classes = KitApplication.class)
@SagaTest
class CrashInjectionTests {

    @Autowired
    SagaTestKit sagas;

    @Autowired
    SagaClient client;

    @Autowired
    Effects effects;

    @Test
    void aCrashBeforeTheEffectRunsTheStepOnceOnTheNodeThatTakesOver() {
        sagas.crashAt("ship", CrashPoint.BEFORE_EFFECT);
        var id = client.start("order", "c-before");
        sagas.restartNode();

        assertThatSaga(id).completedSteps("charge", "reserve", "ship").isWaitingFor("approve");
        assertThat(effects.noted("ship c-before")).hasSize(1);
        assertThat(effects.noted("charge c-before")).as("completed before the crash: not repeated").hasSize(1);
        assertThat(sagas.attempts("ship")).as("the dead node's attempt never began").hasSize(1);
    }

    @Test
    void aCrashAfterTheEffectOfACallToAnotherSystemRepeatsItWithTheSameIdempotencyKey() {
        sagas.crashAt("ship", CrashPoint.AFTER_EFFECT);
        var id = client.start("order", "c-after");
        sagas.restartNode();

        assertThatSaga(id).completedSteps("charge", "reserve", "ship").attempted("ship", 1);
        var calls = effects.noted("ship c-after");
        assertThat(calls).as("the carrier was called twice, with one key").hasSize(2).containsOnly(calls.get(0));
        assertThat(sagas.attempts("ship")).extracting(StepAttempt::idempotencyKey).containsOnly(id + "/2");
    }

    @Test
    void aCrashAfterTheEffectOfATransactionalStepRollsItBackWithItsRecord() {
        sagas.crashAt("reserve", CrashPoint.AFTER_EFFECT);
        var id = client.start("order", "c-tx");
        sagas.restartNode();

        assertThatSaga(id).completedSteps("charge", "reserve", "ship");
        assertThat(sagas.attempts("reserve")).as("attempted twice").hasSize(2);
        assertThat(effects.rows("c-tx")).as("one reservation: the first rolled back").containsExactly("reserve");
    }

    @Test
    void aCrashAfterTheRecordNeverRepeatsTheStep() {
        sagas.crashAt("reserve", CrashPoint.AFTER_RECORD);
        var id = client.start("order", "c-record");
        sagas.restartNode();

        assertThatSaga(id).completedSteps("charge", "reserve", "ship");
        assertThat(sagas.attempts("reserve")).hasSize(1);
        assertThat(effects.rows("c-record")).containsExactly("reserve");
        client.signal(id, "approve", "ok");
        sagas.advance(Duration.ZERO);
        assertThatSaga(id).endedWith(SagaStatus.COMPLETED);
    }

    @Test
    void restartingWithoutAnArmedCrashOrBeforeItHappensIsRefused() {
        assertThatThrownBy(() -> sagas.restartNode()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("crashAt");
        sagas.crashAt("ship", CrashPoint.BEFORE_EFFECT);
        assertThatThrownBy(() -> sagas.crashAt("reserve", CrashPoint.AFTER_EFFECT))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("armed already");
    }
}
