package dev.saga.bench.starter;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.saga.SagaStatus;
import dev.saga.Sagas;
import dev.saga.spi.SagaListener;

/**
 * Tells a waiting client the moment its saga's completion has committed, without asking the
 * database. The engine calls {@link #sagaFinished} on the thread that ran the saga's entry method,
 * right after the completion committed; the listener gives no saga id, so the entry method leaves
 * its id in a thread-local for it.
 */
public class SagaCompletions implements SagaListener {

    private final ThreadLocal<UUID> returnedOnThisThread = new ThreadLocal<>();
    private final ConcurrentHashMap<UUID, CompletableFuture<SagaStatus>> outcomes = new ConcurrentHashMap<>();

    /** Called by the saga's entry method as it returns. */
    void entryReturned() {
        returnedOnThisThread.set(Sagas.sagaId());
    }

    @Override
    public void sagaFinished(String sagaName, SagaStatus outcome, Duration duration) {
        var id = returnedOnThisThread.get();
        if (id != null) {
            returnedOnThisThread.remove();
            outcomes.computeIfAbsent(id, key -> new CompletableFuture<>()).complete(outcome);
        }
    }

    /** Waits for the saga's completion to commit. */
    public SagaStatus await(UUID sagaId, Duration timeout) throws Exception {
        var outcome = outcomes.computeIfAbsent(sagaId, key -> new CompletableFuture<>());
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            outcomes.remove(sagaId);
        }
    }
}
