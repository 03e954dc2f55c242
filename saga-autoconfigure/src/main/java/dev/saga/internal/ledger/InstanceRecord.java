package dev.saga.internal.ledger;

import java.time.Instant;
import java.util.UUID;

import dev.saga.SagaStatus;
import dev.saga.SagaView;

/** A row of {@code saga_instance}. */
public record InstanceRecord(
        UUID id,
        String name,
        int version,
        String businessKey,
        SagaStatus status,
        String input,
        String output,
        String error,
        long fencing,
        String cancelReason,
        Instant deadline,
        int run,
        int historySize,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    public SagaView toView() {
        return new SagaView(id, name, version, businessKey, status, input, output, error, run, historySize, deadline,
                createdAt, updatedAt, finishedAt);
    }
}
