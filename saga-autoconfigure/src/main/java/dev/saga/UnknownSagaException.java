package dev.saga;

/** Thrown when a saga name, class or id names nothing known. */
public class UnknownSagaException extends SagaException {

    public UnknownSagaException(String message) {
        super(message);
    }
}
