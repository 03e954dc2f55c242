package dev.saga.internal.outbox;

/** Told when new work was committed, so it can run without waiting for the next poll. */
@FunctionalInterface
public interface WorkListener {

    void workAdded();
}
