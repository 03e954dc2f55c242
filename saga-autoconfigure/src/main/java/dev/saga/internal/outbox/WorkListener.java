package dev.saga.internal.outbox;

import java.util.Optional;
import java.util.UUID;

/** Told when new work was committed, so it can run without waiting for the next poll. */
public interface WorkListener {

    void workAdded();

    /**
     * Holds a free worker of this node for a saga about to be started here, so that the saga is
     * written already claimed and runs at once, without a poll and a claim round trip.
     *
     * @return empty when no worker is free (the saga is then written as due work for any node)
     */
    default Optional<LocalWorker> reserveWorker(UUID sagaId) {
        return Optional.empty();
    }

    /** Whether a worker of this node holds the saga now (it tells {@link LocalCompletions} when it ends). */
    default boolean runsHere(UUID sagaId) {
        return false;
    }
}
