package dev.saga.internal.ledger;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.SagaStatus;

/**
 * One saga's recorded history: the instance as far as a replay needs it, and the ledger rows of
 * its current run in sequence order. Read from the database, or from an exported
 * {@link HistoryDocument}; in the latter, rows carry no attempt log (the document keeps the count).
 *
 * @param sagaId the saga
 * @param name the saga's name
 * @param version the definition version it runs
 * @param businessKey the business key given at start, or {@code null}
 * @param run its run (1, plus one per continue-as-new)
 * @param status where it stood when it was read
 * @param input the input as JSON, or {@code null}
 * @param output the output as JSON, or {@code null}
 * @param error the error that failed it, or {@code null}
 * @param entries the ledger rows, in sequence order
 */
public record SagaHistory(UUID sagaId, String name, int version, @Nullable String businessKey, int run,
        SagaStatus status, @Nullable String input, @Nullable String output, @Nullable String error,
        List<StepRecord> entries) {

    public SagaHistory {
        entries = List.copyOf(entries);
    }

    /** The history of the instance as the database has it now. */
    public static SagaHistory of(InstanceRecord instance, List<StepRecord> rows) {
        var saga = instance.saga();
        return new SagaHistory(saga.id(), saga.name(), saga.version(), saga.businessKey(), saga.run(), saga.status(),
                saga.input(), saga.output(), saga.error(), rows);
    }
}
