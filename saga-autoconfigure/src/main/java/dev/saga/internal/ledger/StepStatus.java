package dev.saga.internal.ledger;

/** Where a ledger row stands. */
public enum StepStatus {
    /** Succeeded; the result is recorded and is returned on replay. */
    COMPLETED,
    /** An attempt failed and another is due at {@code next_attempt_at}. */
    RETRYING,
    /** The last attempt failed and no retry is left. */
    FAILED
}
