package dev.saga.internal.ledger;

/** Where a ledger row stands. */
public enum StepStatus {
    /** Succeeded; the result is recorded and is returned on replay. */
    COMPLETED,
    /**
     * An attempt failed and another is due at {@code next_attempt_at}; for a signal wait or a
     * sleep, it has not ended and ends then (the public views call that WAITING). Stored values
     * stay as they are.
     */
    RETRYING,
    /** The last attempt failed and no retry is left. */
    FAILED;

    /** The status as the public views name it for a row of that kind: an open wait is WAITING. */
    public String viewName(StepKind kind) {
        return kind.waits() && this == RETRYING ? "WAITING" : name();
    }
}
