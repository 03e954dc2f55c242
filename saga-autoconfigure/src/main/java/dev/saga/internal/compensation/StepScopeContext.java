package dev.saga.internal.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.saga.spi.SagaContext;

/**
 * What {@code Sagas} offers inside a compensation, or a step running on a thread of its own
 * (because it has a timeout): the saga's id and the key of that step or compensation.
 */
public record StepScopeContext(UUID sagaId, int seq, Integer compensatedSeq) implements SagaContext {

    /** The scope of a step's attempt on a thread of its own. */
    public static StepScopeContext ofStep(UUID sagaId, int seq) {
        return new StepScopeContext(sagaId, seq, null);
    }

    @Override
    public String idempotencyKey() {
        return sagaId + "/" + seq;
    }

    @Override
    public String idempotencyKeyOfCompensatedStep() {
        if (compensatedSeq == null) {
            throw new IllegalStateException("Sagas.idempotencyKeyOfCompensatedStep() is available inside a"
                    + " @Compensate method only");
        }
        return sagaId + "/" + compensatedSeq;
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
        throw onlyInEntryMethod("compensate()");
    }

    @Override
    public Optional<Object> awaitSignal(String signalName, Class<?> payloadType, Duration timeout) {
        throw onlyInEntryMethod("awaitSignal(...)");
    }

    @Override
    public void sleep(Duration duration) {
        throw onlyInEntryMethod("sleep(...)");
    }

    @Override
    public boolean patched(String changeId) {
        throw onlyInEntryMethod("patched(...)");
    }

    @Override
    public void continueAsNew(Object input) {
        throw onlyInEntryMethod("continueAsNew(...)");
    }

    private static IllegalStateException onlyInEntryMethod(String call) {
        return new IllegalStateException("Sagas." + call + " belongs in a saga's entry method, not in a step or"
                + " compensation");
    }
}
