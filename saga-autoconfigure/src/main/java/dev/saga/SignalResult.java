package dev.saga;

/** What {@link SagaClient#signal} did with a signal. */
public enum SignalResult {
    /** Stored for the saga; its first wait of that name consumes it. */
    DELIVERED,
    /** The saga has finished: nothing will read the signal, so it was not stored. */
    SAGA_FINISHED
}
