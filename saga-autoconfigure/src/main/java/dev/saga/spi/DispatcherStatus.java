package dev.saga.spi;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** Whether this node's dispatcher runs and polls; read by the health indicator. */
public interface DispatcherStatus {

    boolean isRunning();

    /** When the dispatcher last asked the database for work successfully, or null. */
    @Nullable Instant lastSuccessfulPoll();

    Duration pollInterval();
}
