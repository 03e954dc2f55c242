package dev.saga.internal.ledger;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaStatus;
import dev.saga.SagaView;

/** A row of {@code saga_instance}. */
public record InstanceRecord(
        UUID id,
        String name,
        int version,
        @Nullable String businessKey,
        SagaStatus status,
        @Nullable String input,
        @Nullable String output,
        @Nullable String error,
        long fencing,
        @Nullable String cancelReason,
        @Nullable Instant deadline,
        int run,
        int historySize,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant finishedAt) {

    public SagaView toView() {
        return new SagaView(id, name, version, businessKey, status, input, output, error, run, historySize, deadline,
                createdAt, updatedAt, finishedAt);
    }
}
