package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.internal.codec.PayloadCodec;

/**
 * The ledger ({@code saga_step}): one row per step, primitive and compensation of a saga, keyed by
 * its sequence number. A row is recorded only while the fence of the node that runs the saga
 * holds, and a COMPLETED row is never overwritten.
 */
public final class StepStore {

    /**
     * Two tables, one round trip: the fence check takes a share lock on {@code saga_instance}, and
     * the upsert of {@code saga_step} happens only if it passed (instance before step, the lock
     * order). A share lock, not an update: a claim (which raises the fencing number) skips the saga
     * until this commits, so the node taking over reads this row; and no new instance row version
     * per step. A COMPLETED row is final: no later record (a failure, say, after a commit that was
     * in doubt) overwrites it; the statement then reports that it wrote nothing.
     */
    private static final String RECORD_FENCED = """
            with fence as (select id, cancel_reason from %1$s.saga_instance where id = ? and fencing = ? for share),
            written as (insert into %1$s.saga_step as s (saga_id, seq, kind, name, status, compensates, args,
                result, error, attempts, attempt_log, started_at, finished_at, next_attempt_at, no_effect, node_id,
                fencing) select id, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ? from fence
                on conflict (saga_id, seq) do update set status = excluded.status, result = excluded.result,
                error = excluded.error, attempts = excluded.attempts, attempt_log = excluded.attempt_log,
                finished_at = excluded.finished_at, next_attempt_at = excluded.next_attempt_at,
                no_effect = excluded.no_effect, node_id = excluded.node_id, fencing = excluded.fencing
                where s.status <> 'COMPLETED' returning 1)
            select (select coalesce(cancel_reason, '') from fence), (select count(*) from written)""";

    private static final String HISTORY = """
            select * from %1$s.saga_step where saga_id = ? order by seq""";

    /** An operator's retry: the row runs again with no attempt counted yet. */
    private static final String FRESH_ATTEMPTS = """
            update %1$s.saga_step set status = 'RETRYING', attempts = 0, attempt_log = '[]'::jsonb,
                finished_at = null, next_attempt_at = null, no_effect = false where saga_id = ? and seq = ?""";

    private static final String FORGET_HISTORY = """
            delete from %1$s.saga_step where saga_id = ?""";

    private final JdbcTemplate jdbc;
    private final PayloadCodec codec;
    private final String recordFenced;
    private final String history;
    private final String freshAttempts;
    private final String forgetHistory;

    public StepStore(JdbcTemplate jdbc, PayloadCodec codec, String schema) {
        this.jdbc = jdbc;
        this.codec = codec;
        var checked = SqlSupport.schema(schema);
        this.recordFenced = RECORD_FENCED.formatted(checked);
        this.history = HISTORY.formatted(checked);
        this.freshAttempts = FRESH_ATTEMPTS.formatted(checked);
        this.forgetHistory = FORGET_HISTORY.formatted(checked);
    }

    /** The saga's ledger in sequence order, in one query. */
    public List<StepRecord> steps(UUID sagaId) {
        return jdbc.query(history, this::step, sagaId);
    }

    /**
     * Inserts or updates the ledger row, if the fence still holds.
     *
     * @return the reason the saga was asked to stop (cancelled), or empty
     * @throws FencedOffException if another node claimed the saga since
     * @throws LedgerConflictException if the row is COMPLETED already
     */
    public Optional<String> record(Fence fence, StepRecord row) {
        var outcome = jdbc.queryForObject(recordFenced, (rs, n) -> new String[] {rs.getString(1),
                String.valueOf(rs.getLong(2))}, fence.sagaId(), fence.fencing(),
                row.seq(), row.kind().name(), row.name(), row.status().name(), row.compensates(), row.args(),
                row.result(), row.error(), row.attemptCount(), codec.writeRecord(row.attempts(), "attempt log"),
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

    /**
     * Gives the row a fresh set of attempts, for an operator's retry; the caller holds the
     * instance row locked.
     */
    void giveFreshAttempts(UUID sagaId, int seq) {
        jdbc.update(freshAttempts, sagaId, seq);
    }

    /** Forgets the saga's history (continue-as-new); the caller checked the fence on the instance. */
    void forgetHistory(UUID sagaId) {
        jdbc.update(forgetHistory, sagaId);
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
