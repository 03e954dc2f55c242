package dev.saga;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a payload (a saga's input or output, a step's arguments or result, a signal's
 * payload) cannot be stored: it cannot be written as JSON, cannot be read back as its declared
 * type, or is larger than {@code saga.max-payload-size}. The message names the payload, its type
 * or its size, and what to change. Nothing was stored when {@code SagaClient} throws it.
 *
 * <pre>
 * try {
 *     sagas.start("order", order);
 * } catch (SagaPayloadException e) {
 *     // e.g. "input of saga 'order' is 1.3 MB of JSON (1363148 bytes), over saga.max-payload-size (1 MB)…"
 * }
 * </pre>
 */
public class SagaPayloadException extends SagaException {

    public SagaPayloadException(String message) {
        super(message);
    }

    public SagaPayloadException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
