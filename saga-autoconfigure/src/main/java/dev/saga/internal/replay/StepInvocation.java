package dev.saga.internal.replay;

import org.jspecify.annotations.Nullable;

/** The intercepted step method, called through the rest of its proxy chain. */
@FunctionalInterface
public interface StepInvocation {

    @Nullable Object proceed() throws Throwable;
}
