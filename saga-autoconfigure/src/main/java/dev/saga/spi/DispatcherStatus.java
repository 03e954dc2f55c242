package dev.saga.spi;

import java.time.Duration;
import java.time.Instant;

/** Whether this node's dispatcher runs and polls; read by the health indicator. */
public interface DispatcherStatus {

    boolean isRunning();

    /** When the dispatcher last asked the database for work successfully, or null. */
    Instant lastSuccessfulPoll();

    Duration pollInterval();
}
