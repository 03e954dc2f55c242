package dev.saga.internal.node;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.util.function.SingletonSupplier;

/**
 * The bridge from the client to this node's dispatcher. The dispatcher is looked up on first use
 * (when the client is created it may not exist yet) and only once, not on every start. A node
 * without a dispatcher ({@code saga.dispatcher.enabled=false}) runs nothing: its work waits for
 * the other nodes' polls.
 */
public final class LazyLocalNode implements LocalNode {

    /** This node when it has no dispatcher. */
    private static final LocalNode NO_DISPATCHER = new LocalNode() {
        @Override
        public void workAdded() {
        }

        @Override
        public Optional<ReservedWorker> reserveWorker(UUID sagaId) {
            return Optional.empty();
        }

        @Override
        public boolean runsHere(UUID sagaId) {
            return false;
        }
    };

    private final SingletonSupplier<LocalNode> dispatcher;

    /** @param dispatcher finds this node's dispatcher, or null when there is none */
    public LazyLocalNode(Supplier<? extends @Nullable LocalNode> dispatcher) {
        this.dispatcher = new SingletonSupplier<>(dispatcher, () -> NO_DISPATCHER);
    }

    @Override
    public void workAdded() {
        dispatcher.obtain().workAdded();
    }

    @Override
    public Optional<ReservedWorker> reserveWorker(UUID sagaId) {
        return dispatcher.obtain().reserveWorker(sagaId);
    }

    @Override
    public boolean runsHere(UUID sagaId) {
        return dispatcher.obtain().runsHere(sagaId);
    }
}
