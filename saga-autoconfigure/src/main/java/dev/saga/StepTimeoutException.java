package dev.saga;

import java.time.Duration;

/** An attempt of a step took longer than its {@code timeout}; recorded as a failed attempt. */
public class StepTimeoutException extends SagaException {

    public StepTimeoutException(String message) {
        super(message);
    }

    public StepTimeoutException(String step, Duration timeout) {
        this("Step " + step + " did not finish within its timeout of " + timeout.toMillis() + "ms");
    }
}
