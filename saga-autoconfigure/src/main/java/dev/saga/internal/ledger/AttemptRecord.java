package dev.saga.internal.ledger;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of a step or compensation, as kept in the ledger row's attempt log.
 *
 * @param attempt the attempt's number, from 1
 * @param startedAt when it started
 * @param endedAt when it ended
 * @param error the failure (type: message), or {@code null} when it succeeded
 */
public record AttemptRecord(int attempt, Instant startedAt, Instant endedAt, @Nullable String error) {
}
