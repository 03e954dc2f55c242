package dev.saga;

import org.jspecify.annotations.Nullable;

/** Base class of the exceptions this library throws to its users. */
public class SagaException extends RuntimeException {

    public SagaException(String message) {
        super(message);
    }

    public SagaException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
