package dev.saga.internal.compensation;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContext;

/**
 * What {@code Sagas} offers inside a compensation, or a step running on a thread of its own
 * (because it has a timeout): the saga's id, the key of that step or compensation, and the
 * engine's clock.
 *
 * @param run the saga's run (1, raised by every continue-as-new), part of every idempotency key
 */
public record StepScopeContext(UUID sagaId, int run, int seq, @Nullable Integer compensatedSeq, SagaClock clock)
        implements SagaContext {

    /** The scope of a step's attempt on a thread of its own. */
    public static StepScopeContext ofStep(UUID sagaId, int run, int seq, SagaClock clock) {
        return new StepScopeContext(sagaId, run, seq, null, clock);
    }

    /**
     * The idempotency key of the entry at {@code seq}: {@code <sagaId>/<seq>} in a saga's first
     * run, {@code <sagaId>/<run>/<seq>} after continue-as-new, whose runs count from 0 again, so a
     * key never repeats within a saga.
     */
    public static String idempotencyKey(UUID sagaId, int run, int seq) {
        return run <= 1 ? sagaId + "/" + seq : sagaId + "/" + run + "/" + seq;
    }

    @Override
    public String idempotencyKey() {
        return idempotencyKey(sagaId, run, seq);
    }

    @Override
    public String idempotencyKeyOfCompensatedStep() {
        if (compensatedSeq == null) {
            throw new IllegalStateException("Sagas.idempotencyKeyOfCompensatedStep() is available inside a"
                    + " @Compensate method only");
        }
        return idempotencyKey(sagaId, run, compensatedSeq);
    }

    @Override
    public Instant now() {
        return clock.now(); // not recorded on its own (the step is), but on the engine's time like every other value
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
    public void continueAsNew(@Nullable Object input) {
        throw onlyInEntryMethod("continueAsNew(...)");
    }

    private static IllegalStateException onlyInEntryMethod(String call) {
        return new IllegalStateException("Sagas." + call + " belongs in a saga's entry method, not in a step or"
                + " compensation");
    }
}
