package dev.saga.internal.client;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaFailedException;
import dev.saga.SagaStatus;
import dev.saga.SagaTimeoutException;
import dev.saga.SagaView;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.ledger.FinishedSaga;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.node.LocalNode;

/**
 * Waits for a saga's outcome. While a worker of this node runs the saga, the caller waits to be
 * told by {@link LocalCompletions} and reads the saga once a second (its run here may have been
 * fenced off and another node may finish it); otherwise it reads the saga with a growing pause.
 */
public final class ResultAwaiter {

    /** How often the saga is read while a worker of this node runs it. */
    private static final long READ_WHILE_RUNNING_HERE_MS = 1000;

    private final SagaReadModel sagas;
    private final PayloadCodec codec;
    private final LocalNode node;
    private final LocalCompletions completions;

    public ResultAwaiter(SagaReadModel sagas, PayloadCodec codec, LocalNode node, LocalCompletions completions) {
        this.sagas = sagas;
        this.codec = codec;
        this.node = node;
        this.completions = completions;
    }

    <T> @Nullable T awaitResult(UUID sagaId, Class<T> resultType, Duration timeout) {
        var deadline = Instant.now().plus(timeout);
        var watch = completions.watch(sagaId);
        try {
            long pause = 5;
            while (true) {
                FinishedSaga outcome;
                if ((watch.isDone() || node.runsHere(sagaId)) && Instant.now().isBefore(deadline)) {
                    // running on this node: its worker tells when the run ends; but that run may have been
                    // fenced off (a deadline, a lost lease) and another node may finish the saga: read it too
                    outcome = waitFor(watch, Math.min(READ_WHILE_RUNNING_HERE_MS, millisUntil(deadline)), sagaId);
                    if (outcome == null && !watch.isDone()) {
                        outcome = finished(sagas.require(sagaId));
                    }
                } else {
                    var view = sagas.require(sagaId);
                    if (view.status().isTerminal()) {
                        outcome = finished(view);
                    } else if (Instant.now().isAfter(deadline)) {
                        throw new SagaTimeoutException("Saga " + sagaId + " (" + view.name() + ") has not finished"
                                + " within " + timeout + "; it is " + view.status());
                    } else {
                        outcome = waitFor(watch, Math.min(pause, millisUntil(deadline)), sagaId);
                        pause = Math.min(pause * 2, 200);
                    }
                }
                if (outcome != null) {
                    return result(sagaId, outcome, resultType);
                }
                if (watch.isDone()) {
                    watch = completions.watch(sagaId); // its run here ended unfinished: read it, watch again
                }
            }
        } finally {
            completions.unwatch(sagaId, watch);
        }
    }

    /** The saga's outcome as recorded, or null while it has not finished. */
    private static @Nullable FinishedSaga finished(SagaView view) {
        return view.status().isTerminal()
                ? new FinishedSaga(view.name(), view.status(), view.output(), view.error()) : null;
    }

    private <T> @Nullable T result(UUID sagaId, FinishedSaga outcome, Class<T> resultType) {
        if (outcome.status() != SagaStatus.COMPLETED) {
            throw new SagaFailedException(sagaId, outcome.status(), outcome.error());
        }
        return resultType.cast(codec.read(outcome.output(), resultType, "output of saga " + outcome.name()));
    }

    private static long millisUntil(Instant deadline) {
        return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    }

    /** The outcome if it arrives within the time given, else null. */
    private static @Nullable FinishedSaga waitFor(
            CompletableFuture<@Nullable FinishedSaga> finishedHere,
            long millis, UUID sagaId) {
        try {
            return finishedHere.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SagaTimeoutException("Interrupted while waiting for saga " + sagaId);
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible.getCause());
        }
    }
}
