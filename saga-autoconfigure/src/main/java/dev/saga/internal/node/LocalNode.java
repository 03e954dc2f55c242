package dev.saga.internal.node;

import java.util.Optional;
import java.util.UUID;

/**
 * This node's dispatcher as a start, a signal and a waiting caller see it. The dispatcher
 * implements it; the client reaches it through {@link LazyLocalNode}.
 */
public interface LocalNode {

    /** Work was committed on this node: look for it now rather than at the next poll. */
    void workAdded();

    /**
     * Holds a free worker of this node for a saga about to be started here, so that the saga is
     * written already claimed and runs at once, without a poll and a claim round trip.
     *
     * @return empty when no worker is free (the saga is then written as due work for any node)
     */
    Optional<ReservedWorker> reserveWorker(UUID sagaId);

    /** Whether a worker of this node holds the saga now (it tells {@link LocalCompletions} when it ends). */
    boolean runsHere(UUID sagaId);
}
