package dev.saga;

/** Thrown by {@link SagaClient#awaitResult} when the saga did not finish in time. */
public class SagaTimeoutException extends SagaException {

    public SagaTimeoutException(String message) {
        super(message);
    }
}
