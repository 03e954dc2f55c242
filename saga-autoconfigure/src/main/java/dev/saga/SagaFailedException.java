package dev.saga;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** Thrown by {@link SagaClient#awaitResult} when the saga ended without completing. */
public class SagaFailedException extends SagaException {

    private final UUID sagaId;
    private final SagaStatus status;
    private final @Nullable String error;

    public SagaFailedException(UUID sagaId, SagaStatus status, @Nullable String error) {
        super("Saga " + sagaId + " ended " + status + (error == null ? "" : ": " + error));
        this.sagaId = sagaId;
        this.status = status;
        this.error = error;
    }

    public UUID sagaId() {
        return sagaId;
    }

    /** The terminal status: COMPENSATED, FAILED or PARKED. */
    public SagaStatus status() {
        return status;
    }

    /** The recorded error (type and message), or {@code null}. */
    public @Nullable String error() {
        return error;
    }
}
