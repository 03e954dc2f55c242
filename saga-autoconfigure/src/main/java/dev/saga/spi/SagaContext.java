package dev.saga.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

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

    /** The saga running on the calling thread, if any. */
    static Optional<SagaContext> current() {
        return Optional.ofNullable(SagaContextHolder.CURRENT.get());
    }
}
