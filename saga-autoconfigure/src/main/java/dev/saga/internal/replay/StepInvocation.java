package dev.saga.internal.replay;

/** The intercepted step method, called through the rest of its proxy chain. */
@FunctionalInterface
public interface StepInvocation {

    Object proceed() throws Throwable;
}
