package dev.saga.internal.compensation;

import java.time.Instant;
import java.util.UUID;

import dev.saga.spi.SagaContext;

/**
 * What {@code Sagas} offers inside a compensation, or a step running on a thread of its own
 * (because it has a timeout): the saga's id and the key of that step or compensation.
 */
public record StepScopeContext(UUID sagaId, int seq) implements SagaContext {

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

    @Override
    public void compensate() {
        throw new IllegalStateException("Sagas.compensate() belongs in a saga's entry method, not in a step or"
                + " compensation");
    }
}
