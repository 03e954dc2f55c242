package dev.saga.internal.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.TransactionDefinition;

import dev.saga.SagaHistoryLimitException;
import dev.saga.SagaPayloadException;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;

/**
 * Where one run is in its history: hands out sequence numbers, holds the rows loaded when the run
 * began and those written since, checks that a replayed call is the one recorded, bounds the
 * history, and writes new rows under the run's fence.
 *
 * <p>A cursor made for a replay check ({@link #checking}) has no ledger: where the recorded
 * history ends, or reaches an entry whose outcome is not recorded yet, it stops the check with
 * {@link SagaControl.HistoryEnd} instead of letting anything run or be written.
 */
final class ReplayCursor {

    private static final Logger log = LoggerFactory.getLogger(ReplayCursor.class);

    private final SagaExecution execution;
    /** Null in a replay check, which writes nothing. */
    private final @Nullable StepStore ledger;
    private final HistoryLimits limits;
    /** Written by a timed step's thread only while the saga's thread waits for that step. */
    private final Map<Integer, StepRecord> rows = new HashMap<>();
    /** In a replay check: the change ids {@code Sagas.patched} answered false for, by position. */
    private final Map<Integer, String> declinedPatches = new HashMap<>();
    private int nextSeq;

    /** @param ledger where new rows are written; null for a replay check, which writes none */
    private ReplayCursor(SagaExecution execution, List<StepRecord> recorded, @Nullable StepStore ledger,
            HistoryLimits limits) {
        this.execution = execution;
        this.ledger = ledger;
        this.limits = limits;
        recorded.forEach(this::remember);
    }

    /** The cursor of a run, at the start of the history loaded for it. */
    static ReplayCursor running(SagaExecution execution, List<StepRecord> recorded, StepStore ledger,
            HistoryLimits limits) {
        return new ReplayCursor(execution, recorded, ledger, limits);
    }

    /** A cursor over a recorded history that answers from it only and never writes. */
    static ReplayCursor checking(SagaExecution execution, List<StepRecord> recorded, HistoryLimits limits) {
        return new ReplayCursor(execution, recorded, null, limits);
    }

    /** Whether this run is a replay check: nothing may run and nothing is written. */
    boolean checking() {
        return ledger == null;
    }

    SagaExecution execution() {
        return execution;
    }

    /** The next sequence number: a step boundary, where a cancelled saga stops and a too long history fails. */
    int next() {
        execution.stopIfCancelled();
        int seq = nextSeq++;
        if (seq == limits.warnEntries() && !rows.containsKey(seq) && !checking()) {
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

    /**
     * The row at {@code seq}, checked to be the call the code makes now; null where the history ends.
     * In a replay check, the history's end stops the check; so does a compensation, which ends what
     * the saga's code recorded (a failed or cancelled saga).
     */
    @Nullable StepRecord replay(int seq, StepKind kind, String name) {
        StepRecord row = rows.get(seq);
        if (checking() && (row == null || row.kind() == StepKind.COMPENSATION)) {
            throw new SagaControl.HistoryEnd(seq);
        }
        if (row != null && (row.kind() != kind || !row.name().equals(name))) {
            throw new SagaControl.NonDeterminism("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") is not deterministic: history entry #" + row.seq() + " was recorded as " + row.kind() + " '"
                    + row.name() + "' but the code now calls " + kind + " '" + name + "'. Deploy code that makes the"
                    + " same calls in the same order for sagas already running (see Sagas versioning)",
                    new Divergence(seq, describe(row), kind + " '" + name + "'", note(seq, row)));
        }
        return row;
    }

    /** In a replay check, stops at a recorded entry whose outcome is not known yet (a retry, a wait). */
    void requireSettled(StepRecord row) {
        if (checking() && row.status() == StepStatus.RETRYING) {
            throw new SagaControl.HistoryEnd(row.seq());
        }
    }

    /**
     * A recorded value as today's code reads it. In a replay check, a value it cannot read is a
     * divergence, not a failure thrown into the saga: {@code found} says what the code does
     * instead, followed by the reason.
     */
    @Nullable Object read(StepRecord row, String found, Supplier<@Nullable Object> read) {
        try {
            return read.get();
        } catch (SagaPayloadException unreadable) {
            if (!checking()) {
                throw unreadable;
            }
            throw diverged(row, found + ": " + unreadable.getMessage());
        }
    }

    /** In a replay check: the code does something else than the recorded row, described by {@code found}. */
    SagaControl.NonDeterminism diverged(StepRecord row, String found) {
        var divergence = new Divergence(row.seq(), describe(row), found, note(row.seq(), row));
        return new SagaControl.NonDeterminism("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                + ") diverges from its history at #" + row.seq() + ": " + found, divergence);
    }

    /** In a replay check: {@code Sagas.patched(changeId)} answered false at {@code seq}. */
    void patchDeclined(int seq, String changeId) {
        if (checking()) {
            declinedPatches.put(seq, changeId);
        }
    }

    private @Nullable String note(int seq, StepRecord row) {
        if (row.kind() == StepKind.PATCH) {
            return "the history took the new branch of Sagas.patched(\"" + row.name() + "\") here: keep that call"
                    + " where it was while sagas that recorded it may replay";
        }
        var declined = declinedPatches.get(seq);
        return declined == null ? null : "Sagas.patched(\"" + declined + "\") answered false here, as the history"
                + " has no marker for it at this position: the code took its old branch";
    }

    static String describe(StepRecord row) {
        return row.kind() + " '" + row.name() + "'";
    }

    /** The rows of the history, by sequence number. */
    Map<Integer, StepRecord> rows() {
        return rows;
    }

    /** Writes the row under the run's fence, on its own; in a replay check, the history ends here. */
    void record(StepRecord row) {
        var ledger = this.ledger;
        if (ledger == null) {
            throw new SagaControl.HistoryEnd(row.seq());
        }
        EngineWrites.fenced(() -> ledger.record(execution.fence(), row)).ifPresent(execution::cancelRequested);
        remember(row);
    }

    /**
     * Writes a step's success inside its effect's transaction, when it has one: a step that ran
     * past its own {@code @Transactional(timeout)} fails here as it is, for its retry policy.
     */
    void recordWithEffect(@Nullable TransactionDefinition transaction, String what, StepRecord row) {
        var ledger = this.ledger;
        if (ledger == null) {
            throw new SagaControl.HistoryEnd(row.seq());
        }
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
