package dev.saga.spi;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Sees every attempt of every durable step as it runs: the seam the test kit ({@code saga-test})
 * uses to stub a step's outcome and to make the node crash at a chosen point of a chosen step.
 * Applications do not implement it. The engine uses the one {@code StepHook} bean if there is
 * exactly one, and none otherwise.
 */
public interface StepHook {

    /**
     * Runs one attempt of a step, on the saga's thread, inside the step's transaction for a
     * transactional step. The default runs the step's method; a hook may instead return a value or
     * throw an exception, which the engine records as the attempt's outcome (and retries per the
     * step's policy), or throw {@link Call#crash()} to stop the node there.
     */
    default @Nullable Object attempt(Call call, Effect effect) throws Throwable {
        return effect.proceed();
    }

    /**
     * The step's completion has been committed to the saga's ledger by the run that attempted it
     * (not called when a replay reads it back). Throwing {@link Call#crash()} here stops the node
     * after the record.
     */
    default void recorded(Call call) {
    }

    /** The step's method, called through the rest of its proxy chain. */
    @FunctionalInterface
    interface Effect {
        @Nullable Object proceed() throws Throwable;
    }

    /** The step being attempted. */
    interface Call {

        UUID sagaId();

        String sagaName();

        /** The step's own name: the {@code @Step} value, or the method's name. */
        String stepName();

        /** The name the ledger records: {@code <bean name>.<step name>}. */
        String qualifiedName();

        /** The arguments the saga passed. */
        List<@Nullable Object> arguments();

        /** The idempotency key of this step, the same in every attempt, as {@code Sagas.idempotencyKey()} gives it. */
        String idempotencyKey();

        /**
         * An error to throw to make this node stop working on the saga at once, as if its process
         * died here: the engine writes nothing more for it (a transaction open for the step rolls
         * back) and leaves its claim to its lease, after which a node takes it over.
         */
        Error crash();
    }
}
