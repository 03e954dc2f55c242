package dev.saga.internal.node;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.ledger.FinishedSaga;

/**
 * Sagas that this node finished, told to the callers waiting for them on this node, so that a
 * caller of {@code awaitResult} for a saga running here waits without reading the database.
 * Every caller has a watch of its own: one that stops watching leaves the others watching.
 */
public final class LocalCompletions {

    /** The watches of each saga; a list is only changed inside the map's atomic operations. */
    private final ConcurrentHashMap<UUID, List<CompletableFuture<@Nullable FinishedSaga>>> watched =
            new ConcurrentHashMap<>();

    /**
     * A new watch that completes with the outcome of the saga if this node finishes it, or with
     * {@code null} when its run here ends otherwise; callers stop watching when done waiting.
     */
    public CompletableFuture<@Nullable FinishedSaga> watch(UUID sagaId) {
        var watch = new CompletableFuture<@Nullable FinishedSaga>();
        watched.compute(sagaId, (id, watches) -> {
            var all = watches == null ? new ArrayList<CompletableFuture<@Nullable FinishedSaga>>(1) : watches;
            all.add(watch);
            return all;
        });
        return watch;
    }

    /** Forgets this watch; other callers' watches of the same saga stay. */
    public void unwatch(UUID sagaId, CompletableFuture<@Nullable FinishedSaga> watch) {
        watched.computeIfPresent(sagaId, (id, watches) -> {
            watches.remove(watch);
            return watches.isEmpty() ? null : watches;
        });
    }

    /**
     * Called once the saga's terminal status has committed, or with {@code null} when its run on
     * this node ended without finishing it (it waits, or another node took it over), so that
     * callers read where it is. Tells every watch of the saga.
     */
    public void finished(UUID sagaId, @Nullable FinishedSaga outcome) {
        var watches = watched.remove(sagaId);
        if (watches != null) {
            watches.forEach(watch -> watch.complete(outcome));
        }
    }
}
