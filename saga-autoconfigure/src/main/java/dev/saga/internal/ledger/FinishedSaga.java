package dev.saga.internal.ledger;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaStatus;

/**
 * How a saga ended, as its terminal write recorded it: what the run that finished it reports, and
 * what callers waiting on the same node are told without reading it back.
 */
public record FinishedSaga(String name, SagaStatus status, @Nullable String output, @Nullable String error) {
}
