package dev.saga.spi;

import org.jspecify.annotations.Nullable;

/**
 * Binds a {@link SagaContext} to the thread that runs a saga, for the duration of the run.
 * Engine use only.
 */
public final class SagaContextHolder {

    static final ThreadLocal<SagaContext> CURRENT = new ThreadLocal<>();

    private SagaContextHolder() {
    }

    /** Binds the context to the calling thread and returns the one it replaces (or null). */
    public static @Nullable SagaContext bind(@Nullable SagaContext context) {
        var previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    /** Restores what {@link #bind} returned. */
    public static void restore(@Nullable SagaContext previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
