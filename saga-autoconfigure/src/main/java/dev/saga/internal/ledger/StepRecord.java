package dev.saga.internal.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One ledger row: a step, primitive or compensation of a saga, at its sequence number.
 *
 * @param sagaId the saga
 * @param seq its position in the saga's history, from 0
 * @param kind what it records
 * @param name the step's name ({@code bean.step}), or the primitive's
 * @param status where it stands
 * @param compensates for a compensation, the sequence number of the step it undoes
 * @param args the arguments as a JSON array
 * @param result the result as JSON
 * @param error the last failure (type: message)
 * @param attempts every attempt so far, oldest first
 * @param startedAt when the first attempt started
 * @param finishedAt when it completed or failed for good
 * @param nextAttemptAt when the next attempt is due, while {@link StepStatus#RETRYING}
 * @param noEffect whether the last failure proves that the step took no effect (its
 *     {@code noEffectOn}), so it needs no compensation
 */
public record StepRecord(
        UUID sagaId,
        int seq,
        StepKind kind,
        String name,
        StepStatus status,
        @Nullable Integer compensates,
        @Nullable String args,
        @Nullable String result,
        @Nullable String error,
        List<AttemptRecord> attempts,
        Instant startedAt,
        @Nullable Instant finishedAt,
        @Nullable Instant nextAttemptAt,
        boolean noEffect) {

    public StepRecord {
        attempts = List.copyOf(attempts);
    }

    /** A row for a step or marker that starts now and has no attempt yet. */
    public static StepRecord started(UUID sagaId, int seq, StepKind kind, String name,
            @Nullable Integer compensates, @Nullable String args, Instant at) {
        return new StepRecord(sagaId, seq, kind, name, StepStatus.RETRYING, compensates, args, null, null, List.of(),
                at, null, null, false);
    }

    /** This row waiting (a signal wait or timer) until the given time. */
    public StepRecord waitingUntil(Instant due) {
        return new StepRecord(sagaId, seq, kind, name, StepStatus.RETRYING, compensates, args, result, error, attempts,
                startedAt, finishedAt, due, noEffect);
    }

    /** A completed row for a value recorded at once (a primitive). */
    public static StepRecord completed(UUID sagaId, int seq, StepKind kind, String name, @Nullable String result,
            Instant at) {
        return new StepRecord(sagaId, seq, kind, name, StepStatus.COMPLETED, null, null, result, null,
                List.of(new AttemptRecord(1, at, at, null)), at, at, null, false);
    }

    /** The number of attempts made so far. */
    public int attemptCount() {
        return attempts.size();
    }

    /** This row after one more attempt that succeeded with the given result. */
    public StepRecord succeeded(@Nullable String resultJson, Instant attemptStarted, Instant now) {
        return new StepRecord(sagaId, seq, kind, name, StepStatus.COMPLETED, compensates, args, resultJson, null,
                plus(new AttemptRecord(attempts.size() + 1, attemptStarted, now, null)), startedAt, now, null, false);
    }

    /** This row after one more attempt that failed; retried at {@code nextAttempt} unless that is null. */
    public StepRecord failed(String errorText, Instant attemptStarted, Instant now, @Nullable Instant nextAttempt,
            boolean provesNoEffect) {
        return new StepRecord(sagaId, seq, kind, name, nextAttempt == null ? StepStatus.FAILED : StepStatus.RETRYING,
                compensates, args, null, errorText,
                plus(new AttemptRecord(attempts.size() + 1, attemptStarted, now, errorText)), startedAt,
                nextAttempt == null ? now : null, nextAttempt, provesNoEffect);
    }

    private List<AttemptRecord> plus(AttemptRecord attempt) {
        var all = new ArrayList<>(attempts);
        all.add(attempt);
        return all;
    }
}
