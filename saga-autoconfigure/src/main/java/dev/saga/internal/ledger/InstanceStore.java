package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaStatus;

/**
 * The engine's own writes of {@code saga_instance}: a run's status changes, its finish and
 * continue-as-new, each carrying the run's {@link Fence} and refused (with
 * {@link FencedOffException}) once another node claimed the saga; and retention's deletes. Callers
 * run these writes in the transaction that must commit or roll back with them. What callers of
 * {@code SagaClient} write is in {@link CallerWrites}.
 */
public final class InstanceStore {

    /**
     * The instance's steps, signals and outbox row go with it (foreign keys on delete cascade).
     * The rows are picked and locked first, skipping those someone holds: another node's delete
     * (waiting for it, two deletes that lock their rows in different orders deadlock), an
     * operator's retry, a caller's signal. Picked once (materialized): as a sub-select in the
     * delete's condition it may be run again for each row, and each run would skip the rows
     * deleted so far and lock the next ones, past the limit. Status and age are checked again on
     * the row itself, as the pick may have read a row just before a retry committed.
     */
    private static final String DELETE_FINISHED = """
            with picked as materialized (select id from %1$s.saga_instance where status = ? and finished_at < ?
                limit ? for update skip locked)
            delete from %1$s.saga_instance i using picked where i.id = picked.id and i.status = ?
                and i.finished_at < ?""";

    private static final String CONTINUE_AS_NEW = """
            update %1$s.saga_instance set input = ?::jsonb, run = run + 1,
                updated_at = now() where id = ? and fencing = ?""";

    private static final String UPDATE_STATUS = """
            update %1$s.saga_instance set status = ?, output = coalesce(?::jsonb, output),
                error = coalesce(?, error), updated_at = now(),
                finished_at = case when ? then ? else finished_at end where id = ? and fencing = ?
                returning name, created_at, output, error""";

    /**
     * Two tables, one round trip: the terminal status and the removal of the saga's work
     * ({@code saga_outbox}) commit together, and the delete depends on the fenced update's result
     * (instance before outbox, the lock order).
     */
    private static final String FINISH_AND_REMOVE_WORK = """
            with finished as (update %1$s.saga_instance set status = ?,
                output = coalesce(?::jsonb, output), error = coalesce(?, error), updated_at = now(),
                finished_at = ? where id = ? and fencing = ? returning name, created_at, output, error),
            work as (delete from %1$s.saga_outbox where saga_id = ? and exists (select 1 from finished))
            select name, created_at, output, error from finished""";

    private final JdbcTemplate jdbc;
    private final StepStore steps;
    private final String deleteFinished;
    private final String continueAsNew;
    private final String updateStatus;
    private final String finishAndRemoveWork;

    public InstanceStore(JdbcTemplate jdbc, StepStore steps, String schema) {
        this.jdbc = jdbc;
        this.steps = steps;
        var checked = SqlSupport.schema(schema);
        this.deleteFinished = DELETE_FINISHED.formatted(checked);
        this.continueAsNew = CONTINUE_AS_NEW.formatted(checked);
        this.updateStatus = UPDATE_STATUS.formatted(checked);
        this.finishAndRemoveWork = FINISH_AND_REMOVE_WORK.formatted(checked);
    }

    /**
     * Deletes up to {@code limit} sagas of that status that finished before the given time, with
     * their ledger and signals; returns how many.
     */
    public int deleteFinished(SagaStatus status, Instant finishedBefore, int limit) {
        return jdbc.update(deleteFinished, status.name(), SqlSupport.timestamp(finishedBefore), limit, status.name(),
                SqlSupport.timestamp(finishedBefore));
    }

    /**
     * Starts the saga's history afresh with a new input (continue-as-new), if the fence holds: the
     * instance first, then its steps (the lock order).
     */
    public void continueAsNew(Fence fence, @Nullable String inputJson) {
        requireFence(fence, jdbc.update(continueAsNew, inputJson, fence.sagaId(), fence.fencing()));
        steps.forgetHistory(fence.sagaId());
    }

    /** The saga whose status changed: its name, when it was started, and its output and error now. */
    public record StatusChange(String name, Instant createdAt, @Nullable String output, @Nullable String error) {

        private static StatusChange of(ResultSet rs, int row) throws SQLException {
            return new StatusChange(rs.getString("name"), SqlSupport.instant(rs, "created_at"), rs.getString("output"),
                    rs.getString("error"));
        }
    }

    /** Sets the status (and, when not null, the output and error) if the fence still holds. */
    public StatusChange updateStatus(Fence fence, SagaStatus status, @Nullable String outputJson,
            @Nullable String error, Instant now) {
        var changed = jdbc.query(updateStatus, StatusChange::of, status.name(), outputJson, error, status.isTerminal(),
                SqlSupport.timestamp(now), fence.sagaId(), fence.fencing());
        requireFence(fence, changed.size());
        return changed.get(0);
    }

    /**
     * Records the saga's terminal status and removes its work in one statement, if the fence
     * still holds (every claim of another node raised it).
     */
    public StatusChange finish(Fence fence, SagaStatus status, @Nullable String outputJson, @Nullable String error,
            Instant now) {
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
}
