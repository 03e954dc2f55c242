package dev.saga;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one saga instance, as returned by {@link SagaClient#find(UUID)}.
 *
 * @param id the instance id
 * @param name the saga's name
 * @param version the definition version it started with
 * @param businessKey the business key given at start, or {@code null}
 * @param status where it stands
 * @param input the input as JSON, or {@code null} for a saga that takes none
 * @param output the output as JSON once {@link SagaStatus#COMPLETED}, else {@code null}
 * @param error the error that failed it (type and message), or {@code null}; for a cancelled
 *     saga, why it was cancelled
 * @param run its current run: 1, plus one for every {@link Sagas#continueAsNew(Object)}
 * @param historySize the entries recorded in the current run's history (steps, waits, timers,
 *     primitives, compensations)
 * @param deadline when it is cancelled unless finished, or {@code null}
 * @param createdAt when it was started
 * @param updatedAt when its status last changed or a node last took it up (not on every step)
 * @param finishedAt when it reached a terminal status, or {@code null}
 */
public record SagaView(
        UUID id,
        String name,
        int version,
        @Nullable String businessKey,
        SagaStatus status,
        @Nullable String input,
        @Nullable String output,
        @Nullable String error,
        int run,
        int historySize,
        @Nullable Instant deadline,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant finishedAt) {
}
