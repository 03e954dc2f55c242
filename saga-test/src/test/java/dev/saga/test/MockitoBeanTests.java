package dev.saga.test;

import static dev.saga.test.SagaAssertions.assertThatSaga;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import dev.saga.SagaClient;
import dev.saga.SagaStatus;
import dev.saga.test.fixture.Effects;
import dev.saga.test.fixture.KitApplication;
import dev.saga.test.fixture.OrderSteps;

/** A step bean under {@code @MockitoSpyBean} stays a bean of durable steps, and the spy sees every attempt. */
@SpringBootTest(classes = KitApplication.class)
@SagaTest
class MockitoBeanTests {

    @MockitoSpyBean
    OrderSteps steps;

    @Autowired
    SagaTestKit sagas;

    @Autowired
    SagaClient client;

    @Autowired
    Effects effects;

    @Test
    void aSpiedStepBeanKeepsItsStepsDurableAndTheSpyCountsEachAttempt() {
        doThrow(new IllegalStateException("stock service down")).doCallRealMethod().when(steps).reserve(anyString());
        var id = client.start("order", "m-spy");
        sagas.advance(Duration.ofMinutes(1));

        assertThatSaga(id).completedSteps("charge", "reserve", "ship").attempted("reserve", 2)
                .isWaitingFor("approve");
        verify(steps, times(2)).reserve("m-spy");
        assertThat(effects.rows("m-spy")).containsExactly("reserve");

        sagas.advance(Duration.ofMinutes(5));
        assertThatSaga(id).endedWith(SagaStatus.COMPENSATED).compensated("ship", "reserve", "charge");
        verify(steps).release("m-spy", "res-m-spy");
    }
}
