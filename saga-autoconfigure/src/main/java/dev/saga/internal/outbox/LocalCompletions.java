package dev.saga.internal.outbox;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.saga.SagaStatus;

/**
 * Sagas that this node finished, told to the callers waiting for them on this node, so that a
 * caller of {@code awaitResult} for a saga running here waits without reading the database.
 */
public final class LocalCompletions {

    /** How a saga ended, as its last write recorded it. */
    public record Finished(String name, SagaStatus status, String output, String error) {
    }

    private final ConcurrentHashMap<UUID, CompletableFuture<Finished>> watched = new ConcurrentHashMap<>();

    /**
     * Completes with the outcome of the saga if this node finishes it, or with {@code null} when
     * its run here ends otherwise; callers stop watching when done waiting.
     */
    public CompletableFuture<Finished> watch(UUID sagaId) {
        return watched.computeIfAbsent(sagaId, id -> new CompletableFuture<>());
    }

    /** Forgets the watch (another caller watching the same saga falls back to reading it). */
    public void unwatch(UUID sagaId, CompletableFuture<Finished> watch) {
        watched.remove(sagaId, watch);
    }

    /**
     * Called once the saga's terminal status has committed, or with {@code null} when its run on
     * this node ended without finishing it (it waits, or another node took it over), so that
     * callers read where it is.
     */
    public void finished(UUID sagaId, Finished outcome) {
        var watch = watched.remove(sagaId);
        if (watch != null) {
            watch.complete(outcome);
        }
    }
}
