package dev.saga.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * What {@link dev.saga.Sagas} delegates to: the running saga on the calling thread. Implemented
 * by the engine; applications do not implement it.
 */
public interface SagaContext {

    UUID sagaId();

    String idempotencyKey();

    String idempotencyKeyOfCompensatedStep();

    Instant now();

    UUID randomUUID();

    void compensate();

    Optional<Object> awaitSignal(String signalName, Class<?> payloadType, java.time.Duration timeout);

    void sleep(java.time.Duration duration);

    boolean patched(String changeId);

    /** Ends the run (by throwing the engine's control error) and continues with a fresh history. */
    void continueAsNew(@Nullable Object input);

    /** The saga running on the calling thread, if any. */
    static Optional<SagaContext> current() {
        return Optional.ofNullable(SagaContextHolder.CURRENT.get());
    }
}
