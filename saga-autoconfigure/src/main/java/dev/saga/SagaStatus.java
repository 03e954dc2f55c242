package dev.saga;

/** Where a saga instance stands. */
public enum SagaStatus {
    /** Running, waiting for its next attempt, or due to be resumed. */
    RUNNING,
    /** A step failed or the saga threw; completed steps are being undone. */
    COMPENSATING,
    /** Finished normally; the output is recorded. */
    COMPLETED,
    /** Failed and every completed step was undone; the original error is recorded. */
    COMPENSATED,
    /** Cancelled (by {@code SagaClient.cancel} or its deadline) and every completed step was undone. */
    CANCELLED,
    /** A compensation kept failing; needs an operator. The error is recorded. */
    FAILED,
    /** Stopped by the engine because it cannot go on safely (for example non-determinism). */
    PARKED;

    /** Whether the saga has stopped for good or for an operator. */
    public boolean isTerminal() {
        return this == COMPLETED || this == COMPENSATED || this == CANCELLED || this == FAILED || this == PARKED;
    }
}
