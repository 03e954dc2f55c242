package dev.saga.internal.ledger;

import org.jspecify.annotations.Nullable;

/**
 * The engine's own database work for a running saga failed or is in doubt: not the saga's or the
 * step's failure, so nothing may be recorded as a failed attempt. The run ends and the saga is tried
 * again shortly; its replay reads what the ledger really holds.
 */
public class EngineWriteException extends RuntimeException {

    EngineWriteException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /** The engine's write that failed, with the database's error. */
    static EngineWriteException of(String what, RuntimeException cause) {
        return new EngineWriteException("Could not record " + what + ": " + cause.getMessage(), cause);
    }
}
