package dev.saga.internal.codec;

import dev.saga.SagaPayloadException;

/** A payload could not be written to or read from JSON, or is too large to store. */
public class PayloadException extends SagaPayloadException {

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
