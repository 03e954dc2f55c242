package dev.saga.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import dev.saga.SagaBacklog;
import dev.saga.SagaOperations;
import dev.saga.spi.DispatcherStatus;

/** The thresholds that turn the sagas health indicator OUT_OF_SERVICE or DOWN. */
class SagaHealthIndicatorTests {

    private final SagaOperations sagas = mock(SagaOperations.class);
    private final DispatcherStatus dispatcher = mock(DispatcherStatus.class);
    private final SagaHealthIndicator indicator = new SagaHealthIndicator(sagas, dispatcher,
            new SagaHealthIndicator.Thresholds(10, Duration.ofMinutes(5)));

    private Status statusWith(long due, Duration oldest, boolean running, Instant lastPoll) {
        when(sagas.backlog()).thenReturn(new SagaBacklog(due, oldest, 2));
        when(dispatcher.isRunning()).thenReturn(running);
        when(dispatcher.lastSuccessfulPoll()).thenReturn(lastPoll);
        when(dispatcher.pollInterval()).thenReturn(Duration.ofSeconds(1));
        return indicator.health(true).getStatus();
    }

    @Test
    void upWhilePollingWithinTheThresholds() {
        assertThat(statusWith(10, Duration.ofMinutes(5), true, Instant.now())).isEqualTo(Status.UP);
        assertThat(indicator.health(true).getDetails()).containsEntry("backlog", 10L).containsEntry("needOperator", 2L);
    }

    @Test
    void outOfServiceAboveTheBacklogThreshold() {
        assertThat(statusWith(11, Duration.ofSeconds(1), true, Instant.now())).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void downWhenTheOldestDueWorkWaitsTooLong() {
        assertThat(statusWith(1, Duration.ofMinutes(6), true, Instant.now())).isEqualTo(Status.DOWN);
    }

    @Test
    void downWhenTheDispatcherStoppedPolling() {
        assertThat(statusWith(0, Duration.ZERO, true, Instant.now().minusSeconds(10))).isEqualTo(Status.DOWN);
        assertThat(statusWith(0, Duration.ZERO, false, Instant.now())).isEqualTo(Status.DOWN);
    }
}
