package dev.saga.internal.compensation;

import java.time.Duration;

/** How far compensating a saga got in one run. */
public sealed interface CompensationOutcome {

    /** Every completed step that has a compensation was undone. */
    record Compensated() implements CompensationOutcome {
    }

    /** A compensation failed and is retried after the delay. */
    record RetryLater(Duration delay) implements CompensationOutcome {
    }

    /** A compensation failed for good (or cannot run); the saga needs an operator. */
    record Failed(String error) implements CompensationOutcome {
    }
}
