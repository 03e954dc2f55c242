package dev.saga.internal.compensation;

import java.time.Duration;

/** How far compensating a saga got in one run. */
public sealed interface CompensationOutcome {

    /**
     * Every step that needed undoing was undone.
     *
     * @param nextSeq the first sequence number after the saga's ledger rows, compensations included
     */
    record Compensated(int nextSeq) implements CompensationOutcome {
    }

    /** A compensation failed and is retried after the delay. */
    record RetryLater(Duration delay) implements CompensationOutcome {
    }

    /** A compensation failed for good (or cannot run); the saga needs an operator. */
    record Failed(String error) implements CompensationOutcome {
    }
}
