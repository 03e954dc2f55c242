package dev.saga.internal.ledger;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaView;

/**
 * A row of {@code saga_instance}: what a user sees of the saga, and what only the engine reads.
 *
 * @param saga the saga as {@link dev.saga.SagaClient#find} shows it
 * @param fencing the number of the latest claim; every write of a run carries it
 * @param cancelReason why a cancellation was requested, or {@code null} when none was
 * @param traceContext the propagation headers of the trace the saga was started in, as
 *     {@code TraceContext} stores them, or {@code null}
 */
public record InstanceRecord(SagaView saga, long fencing, @Nullable String cancelReason,
        @Nullable String traceContext) {
}
