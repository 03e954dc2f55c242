package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

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

    public LedgerStore(JdbcTemplate jdbc, PayloadCodec codec, String schema) {
        this.jdbc = jdbc;
        this.codec = codec;
        this.instanceTable = SqlSupport.schema(schema) + ".saga_instance";
        this.stepTable = schema + ".saga_step";
        // one round trip: the fencing check locks the instance row, the upsert happens only if it passed
        this.fencedStepUpsert = "with fence as (update " + instanceTable + " set updated_at = now()"
                + " where id = ? and fencing = ? returning id)"
                + " insert into " + stepTable + " (saga_id, seq, kind, name, status, compensates, args, result, error,"
                + " attempts, attempt_log, started_at, finished_at, next_attempt_at, no_effect)"
                + " select id, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ? from fence"
                + " on conflict (saga_id, seq) do update set status = excluded.status, result = excluded.result,"
                + " error = excluded.error, attempts = excluded.attempts, attempt_log = excluded.attempt_log,"
                + " finished_at = excluded.finished_at, next_attempt_at = excluded.next_attempt_at,"
                + " no_effect = excluded.no_effect";
    }

    /** Inserts a new instance unless one of that name already has the business key. */
    public boolean insertInstance(UUID id, String name, int version, String businessKey, String inputJson) {
        return jdbc.update("insert into " + instanceTable + " (id, name, version, business_key, status, input)"
                + " values (?, ?, ?, ?, ?, ?::jsonb)"
                + " on conflict (name, business_key) where business_key is not null do nothing",
                id, name, version, businessKey, SagaStatus.RUNNING.name(), inputJson) == 1;
    }

    public Optional<UUID> findIdByBusinessKey(String name, String businessKey) {
        return jdbc.query("select id from " + instanceTable + " where name = ? and business_key = ?",
                (rs, n) -> rs.getObject(1, UUID.class), name, businessKey).stream().findFirst();
    }

    public Optional<InstanceRecord> findInstance(UUID id) {
        return jdbc.query("select * from " + instanceTable + " where id = ?", LedgerStore::instance, id)
                .stream().findFirst();
    }

    /** The saga's ledger in sequence order, in one query. */
    public List<StepRecord> steps(UUID sagaId) {
        return jdbc.query("select * from " + stepTable + " where saga_id = ? order by seq", this::step, sagaId);
    }

    /** Inserts or updates the ledger row, if the fence still holds. */
    public void record(Fence fence, StepRecord row) {
        int updated = jdbc.update(fencedStepUpsert, fence.sagaId(), fence.fencing(), row.seq(), row.kind().name(),
                row.name(), row.status().name(), row.compensates(), row.args(), row.result(), row.error(),
                row.attemptCount(), codec.write(row.attempts(), "attempt log"), SqlSupport.timestamp(row.startedAt()),
                SqlSupport.timestamp(row.finishedAt()), SqlSupport.timestamp(row.nextAttemptAt()), row.noEffect());
        requireFence(fence, updated);
    }

    /** Sets the status (and, when not null, the output and error) if the fence still holds. */
    public void updateStatus(Fence fence, SagaStatus status, String outputJson, String error) {
        int updated = jdbc.update("update " + instanceTable + " set status = ?, output = coalesce(?::jsonb, output),"
                + " error = coalesce(?, error), updated_at = now(),"
                + " finished_at = case when ? then now() else finished_at end where id = ? and fencing = ?",
                status.name(), outputJson, error, status.isTerminal(), fence.sagaId(), fence.fencing());
        requireFence(fence, updated);
    }

    private static void requireFence(Fence fence, int updated) {
        if (updated == 0) {
            throw new FencedOffException(fence.sagaId(), fence.fencing());
        }
    }

    private static InstanceRecord instance(ResultSet rs, int row) throws SQLException {
        return new InstanceRecord(rs.getObject("id", UUID.class), rs.getString("name"), rs.getInt("version"),
                rs.getString("business_key"), SagaStatus.valueOf(rs.getString("status")), rs.getString("input"),
                rs.getString("output"), rs.getString("error"), rs.getLong("fencing"),
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
