package dev.saga.internal.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaStatus;

/**
 * The writes of {@code saga_instance} that callers of {@code SagaClient} make, in the caller's
 * transaction: starting a saga with its work, asking it to cancel, counting a signal's wake-up,
 * preparing an operator's retry. Each locks the saga's instance row until the caller commits, before
 * anything else of the saga (the lock order, docs/architecture.md), so a run that releases the
 * saga meanwhile waits for the caller and sees what it wrote.
 */
public final class CallerWrites {

    /**
     * Two tables, one round trip: a saga and its work ({@code saga_outbox}) exist together or not
     * at all, and the outbox row is inserted from the instance row's result (instance before
     * outbox, the lock order). "Do nothing" on any unique index: a taken business key, or this very
     * id when a start whose commit was in doubt is written again (idempotent by the saga's id).
     */
    private static final String INSERT_WITH_WORK = """
            with saga as (insert into %1$s.saga_instance (id, name, version, business_key, status, input,
                deadline_at, fencing, created_at, updated_at, trace_context)
                values (?, ?, ?, ?, 'RUNNING', ?::jsonb, ?, ?, ?, ?, ?) on conflict do nothing returning id)
            insert into %1$s.saga_outbox (saga_id, kind, due_at, claimed_by, claims)
                select id, 'RUN', ?, ?, ? from saga""";

    private static final String REQUEST_CANCEL = """
            update %1$s.saga_instance set cancel_reason = coalesce(cancel_reason, ?),
                wakeups = wakeups + 1, updated_at = now() where id = ? and status = 'RUNNING'""";

    private static final String COUNT_WAKE_UP = """
            update %1$s.saga_instance set wakeups = wakeups + 1, updated_at = now() where id = ?
                and status not in ('COMPLETED', 'COMPENSATED', 'CANCELLED') returning status""";

    private static final String LOCK_FOR_RETRY = """
            select status from %1$s.saga_instance where id = ? for update""";

    private static final String RESUME_AFTER_RETRY = """
            update %1$s.saga_instance set status = ?, finished_at = null, updated_at = now(),
                cancel_reason = case when ? then null else cancel_reason end,
                deadline_at = case when ? and deadline_at <= ? then null else deadline_at end where id = ?""";

    private final JdbcTemplate jdbc;
    private final StepStore steps;
    private final String insertWithWork;
    private final String requestCancel;
    private final String countWakeUp;
    private final String lockForRetry;
    private final String resumeAfterRetry;

    public CallerWrites(JdbcTemplate jdbc, StepStore steps, String schema) {
        this.jdbc = jdbc;
        this.steps = steps;
        var checked = SqlSupport.schema(schema);
        this.insertWithWork = INSERT_WITH_WORK.formatted(checked);
        this.requestCancel = REQUEST_CANCEL.formatted(checked);
        this.countWakeUp = COUNT_WAKE_UP.formatted(checked);
        this.lockForRetry = LOCK_FOR_RETRY.formatted(checked);
        this.resumeAfterRetry = RESUME_AFTER_RETRY.formatted(checked);
    }

    /**
     * Writes a new saga together with its outbox row, in one statement, unless one of that name
     * already has the business key. The work is due at {@code due} for any node, or, when
     * {@code claimedBy} names a node, held by that node with a lease ending at {@code due} and
     * the first fencing number, so that it runs there without being claimed.
     *
     * @return false if the business key was taken (nothing was written)
     */
    public boolean insertInstance(UUID id, String name, int version, @Nullable String businessKey,
            @Nullable String inputJson, @Nullable Instant deadline, Instant createdAt, Instant due,
            @Nullable String claimedBy, long fencing, @Nullable String traceContext) {
        return jdbc.update(insertWithWork, id, name, version, businessKey, inputJson, SqlSupport.timestamp(deadline),
                fencing, SqlSupport.timestamp(createdAt), SqlSupport.timestamp(createdAt), traceContext,
                SqlSupport.timestamp(due), claimedBy, claimedBy == null ? 0 : 1) == 1;
    }

    /**
     * Asks a RUNNING saga to stop and compensate, locking its instance row until the caller
     * commits; a second request keeps the first reason.
     *
     * @return whether the request was recorded: false when the saga is not RUNNING (it may
     *     compensate already, have finished, or not exist), and then nothing was written or locked
     */
    public boolean requestCancel(UUID id, String reason) {
        return jdbc.update(requestCancel, reason, id) == 1;
    }

    /**
     * Counts a signal's wake-up on a saga that may still read it (not COMPLETED, COMPENSATED or
     * CANCELLED; FAILED and PARKED sagas may be retried), locking its instance row until the
     * caller commits: a run that releases the saga meanwhile waits for that commit and so sees the
     * wake-up. Only the instance is locked, never the outbox row a running node renews.
     *
     * @return the saga's status, or empty if it finished for good (or does not exist)
     */
    public Optional<SagaStatus> countWakeUp(UUID id) {
        return jdbc.query(countWakeUp, (rs, n) -> SagaStatus.valueOf(rs.getString(1)), id).stream().findFirst();
    }

    /**
     * Makes a FAILED or PARKED saga ready to run again where it stopped: the compensation that
     * failed, or the step whose failure parked it, gets a fresh set of attempts. Locks the
     * instance first, then writes its steps (the lock order).
     *
     * @return the status it resumes in, RUNNING or COMPENSATING
     * @throws IllegalStateException if it is neither FAILED nor PARKED
     */
    public Optional<SagaStatus> prepareRetry(UUID id, Instant now) {
        var current = jdbc.query(lockForRetry, (rs, n) -> SagaStatus.valueOf(rs.getString(1)), id).stream()
                .findFirst();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (current.get() != SagaStatus.FAILED && current.get() != SagaStatus.PARKED) {
            throw new IllegalStateException("Saga " + id + " is " + current.get() + "; only FAILED and PARKED sagas"
                    + " can be retried");
        }
        var history = steps.steps(id);
        history.stream().filter(row -> row.kind() == StepKind.COMPENSATION && row.status() == StepStatus.FAILED)
                .forEach(row -> steps.giveFreshAttempts(id, row.seq()));
        SagaStatus resumeAs = resumeAfterRetry(current.get(), history);
        // going on forward is the operator's decision: a cancel or a deadline that parked it no longer applies
        boolean forward = resumeAs == SagaStatus.RUNNING && current.get() == SagaStatus.PARKED;
        if (forward && !history.isEmpty() && history.get(history.size() - 1).kind() == StepKind.STEP
                && history.get(history.size() - 1).status() == StepStatus.FAILED) {
            steps.giveFreshAttempts(id, history.get(history.size() - 1).seq()); // the step whose failure parked it
        }
        jdbc.update(resumeAfterRetry, resumeAs.name(), forward, forward, SqlSupport.timestamp(now), id);
        return Optional.of(resumeAs);
    }

    private static SagaStatus resumeAfterRetry(SagaStatus current, List<StepRecord> history) {
        if (current == SagaStatus.FAILED) {
            boolean insideSagasCompensate = history.stream().anyMatch(row -> row.kind() == StepKind.COMPENSATE
                    && row.status() == StepStatus.RETRYING);
            return insideSagasCompensate ? SagaStatus.RUNNING : SagaStatus.COMPENSATING;
        }
        if (history.stream().anyMatch(row -> row.kind() == StepKind.COMPENSATION)
                && history.stream().noneMatch(row -> row.kind() == StepKind.COMPENSATE)) {
            return SagaStatus.COMPENSATING; // parked while undoing its steps: go on undoing them
        }
        return SagaStatus.RUNNING;
    }
}
