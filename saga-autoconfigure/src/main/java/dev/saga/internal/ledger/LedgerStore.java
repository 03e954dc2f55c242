package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.internal.codec.PayloadCodec;

/**
 * Reads and writes saga instances and their ledger. Every write made while a saga runs carries
 * its {@link Fence} and is refused (with {@link FencedOffException}) once another node claimed the
 * saga; callers run these writes in the transaction that must commit or roll back with them.
 */
public final class LedgerStore {

    private final JdbcTemplate jdbc;
    private final PayloadCodec codec;
    private final String instanceTable;
    private final String stepTable;
    private final String fencedStepUpsert;
    private final String instanceWithHistory;
    private final String insertWithWork;
    private final String finishAndRemoveWork;

    public LedgerStore(JdbcTemplate jdbc, PayloadCodec codec, String schema) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.instanceTable = SqlSupport.schema(schema) + ".saga_instance";
        this.stepTable = schema + ".saga_step";
        // one round trip: the fencing check locks the instance row, the upsert happens only if it passed
        // the outbox lives in the same schema; a saga and its work are written and removed together
        String outboxTable = schema + ".saga_outbox";
        // "do nothing" on any unique index: a taken business key, or this very id when a start whose
        // commit was in doubt is written again (the statement is idempotent by the saga's id)
        this.insertWithWork = "with saga as (insert into " + instanceTable + " (id, name, version, business_key,"
                + " status, input, deadline_at, fencing, created_at, updated_at)"
                + " values (?, ?, ?, ?, 'RUNNING', ?::jsonb, ?, ?, ?, ?) on conflict do nothing returning id)"
                + " insert into " + outboxTable + " (saga_id, kind, due_at, claimed_by, claims)"
                + " select id, 'RUN', ?, ?, ? from saga";
        // instance before outbox (the engine's lock order): the delete depends on the update's result
        this.finishAndRemoveWork = "with finished as (update " + instanceTable + " set status = ?,"
                + " output = coalesce(?::jsonb, output), error = coalesce(?, error), updated_at = now(),"
                + " finished_at = ? where id = ? and fencing = ? returning name, created_at, output, error),"
                + " work as (delete from " + outboxTable + " where saga_id = ? and exists (select 1 from finished))"
                + " select name, created_at, output, error from finished";
        this.instanceWithHistory = "select i.*, (select count(*) from " + stepTable
                + " s where s.saga_id = i.id) as history from " + instanceTable + " i";
        // a share lock, not an update: a claim (which raises the fencing number) skips the saga until this
        // commits, so the node taking over reads this row; and no new instance row version per step.
        // A COMPLETED row is final: no later record (a failure, say, after a commit that was in doubt)
        // overwrites it; the statement then reports that it wrote nothing.
        this.fencedStepUpsert = "with fence as (select id, cancel_reason from " + instanceTable
                + " where id = ? and fencing = ? for share),"
                + " written as (insert into " + stepTable + " as s (saga_id, seq, kind, name, status, compensates, args,"
                + " result, error, attempts, attempt_log, started_at, finished_at, next_attempt_at, no_effect, node_id,"
                + " fencing) select id, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ? from fence"
                + " on conflict (saga_id, seq) do update set status = excluded.status, result = excluded.result,"
                + " error = excluded.error, attempts = excluded.attempts, attempt_log = excluded.attempt_log,"
                + " finished_at = excluded.finished_at, next_attempt_at = excluded.next_attempt_at,"
                + " no_effect = excluded.no_effect, node_id = excluded.node_id, fencing = excluded.fencing"
                + " where s.status <> 'COMPLETED' returning 1)"
                + " select (select coalesce(cancel_reason, '') from fence), (select count(*) from written)";
    }

    /**
     * Writes a new saga together with its outbox row, in one statement, unless one of that name
     * already has the business key. The work is due at {@code due} for any node, or, when
     * {@code claimedBy} names a node, held by that node with a lease ending at {@code due} and
     * the first fencing number, so that it runs there without being claimed.
     *
     * @return false if the business key was taken (nothing was written)
     */
    public boolean insertInstance(UUID id, String name, int version, String businessKey, String inputJson,
            Instant deadline, Instant createdAt, Instant due, String claimedBy, long fencing) {
        return jdbc.update(insertWithWork, id, name, version, businessKey, inputJson, SqlSupport.timestamp(deadline),
                fencing, SqlSupport.timestamp(createdAt), SqlSupport.timestamp(createdAt), SqlSupport.timestamp(due),
                claimedBy, claimedBy == null ? 0 : 1) == 1;
    }

    /**
     * Asks a RUNNING saga to stop and compensate, locking its instance row until the caller
     * commits; a second request keeps the first reason.
     *
     * @return whether the request was recorded: false when the saga is not RUNNING (it may
     *     compensate already, have finished, or not exist), and then nothing was written or locked
     */
    public boolean requestCancel(UUID id, String reason) {
        return jdbc.update("update " + instanceTable + " set cancel_reason = coalesce(cancel_reason, ?),"
                + " wakeups = wakeups + 1, updated_at = now() where id = ? and status = 'RUNNING'", reason, id) == 1;
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
        return jdbc.query("update " + instanceTable + " set wakeups = wakeups + 1, updated_at = now() where id = ?"
                + " and status not in ('COMPLETED', 'COMPENSATED', 'CANCELLED') returning status",
                (rs, n) -> SagaStatus.valueOf(rs.getString(1)), id).stream().findFirst();
    }

    /**
     * Makes a FAILED or PARKED saga ready to run again where it stopped: the compensation that
     * failed, or the step whose failure parked it, gets a fresh set of attempts.
     *
     * @return the status it resumes in, RUNNING or COMPENSATING
     * @throws IllegalStateException if it is neither FAILED nor PARKED
     */
    public Optional<SagaStatus> prepareRetry(UUID id, Instant now) {
        var current = jdbc.query("select status from " + instanceTable + " where id = ? for update",
                (rs, n) -> SagaStatus.valueOf(rs.getString(1)), id).stream().findFirst();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (current.get() != SagaStatus.FAILED && current.get() != SagaStatus.PARKED) {
            throw new IllegalStateException("Saga " + id + " is " + current.get() + "; only FAILED and PARKED sagas"
                    + " can be retried");
        }
        var history = steps(id);
        String freshAttempts = " set status = 'RETRYING', attempts = 0, attempt_log = '[]'::jsonb, finished_at = null,"
                + " next_attempt_at = null, no_effect = false where saga_id = ? and seq = ?";
        history.stream().filter(row -> row.kind() == StepKind.COMPENSATION && row.status() == StepStatus.FAILED)
                .forEach(row -> jdbc.update("update " + stepTable + freshAttempts, id, row.seq()));
        SagaStatus resumeAs;
        if (current.get() == SagaStatus.FAILED) {
            boolean insideSagasCompensate = history.stream().anyMatch(row -> row.kind() == StepKind.COMPENSATE
                    && row.status() == StepStatus.RETRYING);
            resumeAs = insideSagasCompensate ? SagaStatus.RUNNING : SagaStatus.COMPENSATING;
        } else if (history.stream().anyMatch(row -> row.kind() == StepKind.COMPENSATION)
                && history.stream().noneMatch(row -> row.kind() == StepKind.COMPENSATE)) {
            resumeAs = SagaStatus.COMPENSATING; // parked while undoing its steps: go on undoing them
        } else {
            if (!history.isEmpty() && history.get(history.size() - 1).kind() == StepKind.STEP
                    && history.get(history.size() - 1).status() == StepStatus.FAILED) {
                jdbc.update("update " + stepTable + freshAttempts, id, history.get(history.size() - 1).seq());
            }
            resumeAs = SagaStatus.RUNNING;
        }
        // going on forward is the operator's decision: a cancel or a deadline that parked it no longer applies
        boolean forward = resumeAs == SagaStatus.RUNNING && current.get() == SagaStatus.PARKED;
        jdbc.update("update " + instanceTable + " set status = ?, finished_at = null, updated_at = now(),"
                + " cancel_reason = case when ? then null else cancel_reason end,"
                + " deadline_at = case when ? and deadline_at <= ? then null else deadline_at end where id = ?",
                resumeAs.name(), forward, forward, SqlSupport.timestamp(now), id);
        return Optional.of(resumeAs);
    }

    /** A page of instances matching the query, newest first, and how many match in all. */
    public SagaPage list(SagaQuery query) {
        var where = new StringBuilder(" where true");
        var arguments = new java.util.ArrayList<Object>();
        if (query.name() != null) {
            where.append(" and i.name = ?");
            arguments.add(query.name());
        }
        if (query.status() != null) {
            where.append(" and i.status = ?");
            arguments.add(query.status().name());
        }
        if (query.businessKey() != null) {
            where.append(" and i.business_key = ?");
            arguments.add(query.businessKey());
        }
        if (query.startedFrom() != null) {
            where.append(" and i.created_at >= ?");
            arguments.add(SqlSupport.timestamp(query.startedFrom()));
        }
        if (query.startedTo() != null) {
            where.append(" and i.created_at < ?");
            arguments.add(SqlSupport.timestamp(query.startedTo()));
        }
        long total = jdbc.queryForObject("select count(*) from " + instanceTable + " i" + where, Long.class,
                arguments.toArray());
        var pageArguments = new java.util.ArrayList<>(arguments);
        pageArguments.add(query.size());
        pageArguments.add((long) query.page() * query.size());
        var sagas = jdbc.query(instanceWithHistory + where + " order by i.created_at desc, i.id limit ? offset ?",
                LedgerStore::instance, pageArguments.toArray());
        return new SagaPage(sagas.stream().map(InstanceRecord::toView).toList(), query.page(), query.size(), total);
    }

    /** How many instances there are of each name, by status. */
    public java.util.Map<String, java.util.Map<SagaStatus, Long>> countByNameAndStatus() {
        var counts = new java.util.TreeMap<String, java.util.Map<SagaStatus, Long>>();
        jdbc.query("select name, status, count(*) from " + instanceTable + " group by name, status", rs -> {
            counts.computeIfAbsent(rs.getString(1), name -> new java.util.EnumMap<>(SagaStatus.class))
                    .put(SagaStatus.valueOf(rs.getString(2)), rs.getLong(3));
        });
        return counts;
    }

    /** How many sagas wait for an operator (FAILED or PARKED). */
    public long countNeedingOperator() {
        return jdbc.queryForObject("select count(*) from " + instanceTable + " where status in ('FAILED', 'PARKED')",
                Long.class);
    }

    /**
     * Deletes up to {@code limit} sagas of that status that finished before the given time, with
     * their ledger and signals; returns how many.
     */
    public int deleteFinished(SagaStatus status, Instant finishedBefore, int limit) {
        // status and age are checked again on the row itself: after waiting for the lock of an operator's
        // retry, PostgreSQL re-checks only this statement's own conditions, not the sub-select's
        return jdbc.update("delete from " + instanceTable + " where id in (select id from " + instanceTable
                + " where status = ? and finished_at < ? limit ?) and status = ? and finished_at < ?", status.name(),
                SqlSupport.timestamp(finishedBefore), limit, status.name(), SqlSupport.timestamp(finishedBefore));
    }

    /** Starts the saga's history afresh with a new input (continue-as-new), if the fence holds. */
    public void continueAsNew(Fence fence, String inputJson) {
        int updated = jdbc.update("update " + instanceTable + " set input = ?::jsonb, run = run + 1,"
                + " updated_at = now() where id = ? and fencing = ?", inputJson, fence.sagaId(), fence.fencing());
        requireFence(fence, updated);
        jdbc.update("delete from " + stepTable + " where saga_id = ?", fence.sagaId());
    }

    public Optional<UUID> findIdByBusinessKey(String name, String businessKey) {
        return jdbc.query("select id from " + instanceTable + " where name = ? and business_key = ?",
                (rs, n) -> rs.getObject(1, UUID.class), name, businessKey).stream().findFirst();
    }

    public Optional<InstanceRecord> findInstance(UUID id) {
        return jdbc.query(instanceWithHistory + " where i.id = ?", LedgerStore::instance, id).stream().findFirst();
    }

    /** The saga's ledger in sequence order, in one query. */
    public List<StepRecord> steps(UUID sagaId) {
        return jdbc.query("select * from " + stepTable + " where saga_id = ? order by seq", this::step, sagaId);
    }

    /**
     * Inserts or updates the ledger row, if the fence still holds.
     *
     * @return the reason the saga was asked to stop (cancelled), or empty
     */
    public Optional<String> record(Fence fence, StepRecord row) {
        var outcome = jdbc.queryForObject(fencedStepUpsert, (rs, n) -> new String[] {rs.getString(1),
                String.valueOf(rs.getLong(2))}, fence.sagaId(), fence.fencing(),
                row.seq(), row.kind().name(), row.name(), row.status().name(), row.compensates(), row.args(),
                row.result(), row.error(), row.attemptCount(), attemptLog(row),
                SqlSupport.timestamp(row.startedAt()), SqlSupport.timestamp(row.finishedAt()),
                SqlSupport.timestamp(row.nextAttemptAt()), row.noEffect(), fence.nodeId(), fence.fencing());
        String cancelReason = outcome[0];
        if (cancelReason == null) {
            throw new FencedOffException(fence.sagaId(), fence.fencing());
        }
        if (outcome[1].equals("0")) {
            throw new LedgerConflictException("Saga " + fence.sagaId() + ": entry #" + row.seq() + " ('" + row.name()
                    + "') is COMPLETED already; refusing to record it as " + row.status() + " (an earlier commit"
                    + " that looked failed went through)");
        }
        return cancelReason.isEmpty() ? Optional.empty() : Optional.of(cancelReason);
    }

    private String attemptLog(StepRecord row) {
        return codec.writeRecord(row.attempts(), "attempt log");
    }

    /** The saga whose status changed: its name, when it was started, and its output and error now. */
    public record StatusChange(String name, Instant createdAt, String output, String error) {

        private static StatusChange of(ResultSet rs, int row) throws SQLException {
            return new StatusChange(rs.getString("name"), SqlSupport.instant(rs, "created_at"), rs.getString("output"),
                    rs.getString("error"));
        }
    }

    /** Sets the status (and, when not null, the output and error) if the fence still holds. */
    public StatusChange updateStatus(Fence fence, SagaStatus status, String outputJson, String error, Instant now) {
        var changed = jdbc.query("update " + instanceTable + " set status = ?, output = coalesce(?::jsonb, output),"
                + " error = coalesce(?, error), updated_at = now(),"
                + " finished_at = case when ? then ? else finished_at end where id = ? and fencing = ?"
                + " returning name, created_at, output, error", StatusChange::of, status.name(), outputJson, error,
                status.isTerminal(), SqlSupport.timestamp(now), fence.sagaId(), fence.fencing());
        requireFence(fence, changed.size());
        return changed.get(0);
    }

    /**
     * Records the saga's terminal status and removes its work in one statement, if the fence
     * still holds (every claim of another node raised it).
     */
    public StatusChange finish(Fence fence, SagaStatus status, String outputJson, String error, Instant now) {
        if (!status.isTerminal()) {
            throw new IllegalArgumentException(status + " is not terminal");
        }
        var changed = jdbc.query(finishAndRemoveWork, StatusChange::of, status.name(), outputJson, error,
                SqlSupport.timestamp(now), fence.sagaId(), fence.fencing(), fence.sagaId());
        requireFence(fence, changed.size());
        return changed.get(0);
    }

    private static void requireFence(Fence fence, int updated) {
        if (updated == 0) {
            throw new FencedOffException(fence.sagaId(), fence.fencing());
        }
    }

    private static InstanceRecord instance(ResultSet rs, int row) throws SQLException {
        return new InstanceRecord(rs.getObject("id", UUID.class), rs.getString("name"), rs.getInt("version"),
                rs.getString("business_key"), SagaStatus.valueOf(rs.getString("status")), rs.getString("input"),
                rs.getString("output"), rs.getString("error"), rs.getLong("fencing"), rs.getString("cancel_reason"),
                SqlSupport.instant(rs, "deadline_at"), rs.getInt("run"), rs.getInt("history"),
                SqlSupport.instant(rs, "created_at"), SqlSupport.instant(rs, "updated_at"),
                SqlSupport.instant(rs, "finished_at"));
    }

    private StepRecord step(ResultSet rs, int row) throws SQLException {
        var log = (AttemptRecord[]) codec.read(rs.getString("attempt_log"), AttemptRecord[].class, "attempt log");
        return new StepRecord(rs.getObject("saga_id", UUID.class), rs.getInt("seq"),
                StepKind.valueOf(rs.getString("kind")), rs.getString("name"), StepStatus.valueOf(rs.getString("status")),
                rs.getObject("compensates", Integer.class), rs.getString("args"), rs.getString("result"),
                rs.getString("error"), log == null ? List.of() : List.of(log), SqlSupport.instant(rs, "started_at"),
                SqlSupport.instant(rs, "finished_at"), SqlSupport.instant(rs, "next_attempt_at"),
                rs.getBoolean("no_effect"));
    }
}
