package dev.saga.internal.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionDefinition;

import dev.saga.SagaHistoryLimitException;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStore;

/**
 * Where one run is in its history: hands out sequence numbers, holds the rows loaded when the run
 * began and those written since, checks that a replayed call is the one recorded, bounds the
 * history, and writes new rows under the run's fence.
 */
final class ReplayCursor {

    private static final Logger log = LoggerFactory.getLogger(ReplayCursor.class);

    private final SagaExecution execution;
    private final StepStore ledger;
    private final HistoryLimits limits;
    /** Written by a timed step's thread only while the saga's thread waits for that step. */
    private final Map<Integer, StepRecord> rows = new HashMap<>();
    private int nextSeq;

    ReplayCursor(SagaExecution execution, List<StepRecord> recorded, StepStore ledger, HistoryLimits limits) {
        this.execution = execution;
        this.ledger = ledger;
        this.limits = limits;
        recorded.forEach(this::remember);
    }

    SagaExecution execution() {
        return execution;
    }

    /** The next sequence number: a step boundary, where a cancelled saga stops and a too long history fails. */
    int next() {
        execution.stopIfCancelled();
        int seq = nextSeq++;
        if (seq == limits.warnEntries() && !rows.containsKey(seq)) {
            log.warn("Saga '{}' ({}) has {} entries in its history; keep it small with Sagas.continueAsNew(...)"
                    + " (saga.history.max-entries is {})", execution.saga().name(), execution.sagaId(), seq,
                    limits.maxEntries());
        }
        if (seq >= limits.maxEntries()) {
            throw new SagaHistoryLimitException("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") reached saga.history.max-entries (" + limits.maxEntries() + " entries in one run): call"
                    + " Sagas.continueAsNew(...) to go on with an empty history");
        }
        return seq;
    }

    /** The sequence number {@link #next()} hands out, without taking it. */
    int peek() {
        return nextSeq;
    }

    /** Goes on after entries written by someone else (the compensations of {@code Sagas.compensate()}). */
    void skipTo(int seq) {
        nextSeq = seq;
    }

    /** The row at {@code seq}, or null where the history ends. */
    @Nullable StepRecord recorded(int seq) {
        return rows.get(seq);
    }

    /** The row at {@code seq}, checked to be the call the code makes now; null where the history ends. */
    @Nullable StepRecord replay(int seq, StepKind kind, String name) {
        StepRecord row = rows.get(seq);
        if (row != null && (row.kind() != kind || !row.name().equals(name))) {
            throw new SagaControl.NonDeterminism("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") is not deterministic: history entry #" + row.seq() + " was recorded as " + row.kind() + " '"
                    + row.name() + "' but the code now calls " + kind + " '" + name + "'. Deploy code that makes the"
                    + " same calls in the same order for sagas already running (see Sagas versioning)");
        }
        return row;
    }

    /** Writes the row under the run's fence, on its own. */
    void record(StepRecord row) {
        EngineWrites.fenced(() -> ledger.record(execution.fence(), row)).ifPresent(execution::cancelRequested);
        remember(row);
    }

    /**
     * Writes a step's success inside its effect's transaction, when it has one: a step that ran
     * past its own {@code @Transactional(timeout)} fails here as it is, for its retry policy.
     */
    void recordWithEffect(@Nullable TransactionDefinition transaction, String what, StepRecord row) {
        try {
            EffectTransaction.record(transaction, what,
                    () -> ledger.record(execution.fence(), row).ifPresent(execution::cancelRequested));
        } catch (FencedOffException | EngineWriteException lostOrInDoubt) {
            throw EngineWrites.control(lostOrInDoubt);
        }
        remember(row);
    }

    private void remember(StepRecord row) {
        rows.put(row.seq(), row);
    }
}
