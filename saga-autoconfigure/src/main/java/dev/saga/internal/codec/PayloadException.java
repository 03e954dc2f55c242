package dev.saga.internal.codec;

import dev.saga.SagaException;

/** A payload could not be written to or read from JSON. */
public class PayloadException extends SagaException {

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
