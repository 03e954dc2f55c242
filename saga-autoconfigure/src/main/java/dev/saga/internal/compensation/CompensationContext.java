package dev.saga.internal.compensation;

import java.time.Instant;
import java.util.UUID;

import dev.saga.spi.SagaContext;

/** What {@code Sagas} offers inside a compensation: the saga's id and the compensation's own key. */
record CompensationContext(UUID sagaId, int seq) implements SagaContext {

    @Override
    public String idempotencyKey() {
        return sagaId + "/" + seq;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public UUID randomUUID() {
        return UUID.randomUUID();
    }
}
