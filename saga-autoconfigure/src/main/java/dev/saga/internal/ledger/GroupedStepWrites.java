package dev.saga.internal.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Group commit for ledger rows written outside a transaction: while one worker writes, the rows of
 * other workers queue up, and the next writer takes them all in one statement and one commit.
 * Each worker still returns only once its own row has committed (or was refused by its fence),
 * so durability is that of one write per row; a lone worker writes at once, without waiting.
 */
final class GroupedStepWrites {

    /** Rows in one statement at most. */
    static final int MAX_BATCH = 64;

    private final JdbcTemplate jdbc;
    private final String batchUpsert;
    private final Function<StepRecord, String> attemptLog;
    private final SingleWrite single;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writer = new ReentrantLock();

    /** The one-row statement, used for a batch of one and when a batch fails as a whole. */
    @FunctionalInterface
    interface SingleWrite {
        Optional<String> write(Fence fence, StepRecord row);
    }

    GroupedStepWrites(JdbcTemplate jdbc, String instanceTable, String stepTable, Function<StepRecord, String> attemptLog,
            SingleWrite single) {
        this.jdbc = jdbc;
        this.attemptLog = attemptLog;
        this.single = single;
        // the fence rows are share-locked in id order, so two batches cannot deadlock each other
        this.batchUpsert = "with input as (select * from unnest(?::uuid[], ?::int8[], ?::int4[], ?::text[], ?::text[],"
                + " ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[],"
                + " ?::text[], ?::bool[], ?::text[]) as t(saga_id, fencing, seq, kind, name, status, compensates, args,"
                + " result, error, attempts, attempt_log, started_at, finished_at, next_attempt_at, no_effect,"
                + " node_id)),"
                + " fence as (select i.id, i.cancel_reason from " + instanceTable + " i join input"
                + " on i.id = input.saga_id and i.fencing = input.fencing order by i.id for share of i)"
                + " insert into " + stepTable + " (saga_id, seq, kind, name, status, compensates, args, result, error,"
                + " attempts, attempt_log, started_at, finished_at, next_attempt_at, no_effect, node_id, fencing)"
                + " select t.saga_id, t.seq, t.kind, t.name, t.status, t.compensates, t.args::jsonb, t.result::jsonb,"
                + " t.error, t.attempts, t.attempt_log::jsonb, t.started_at::timestamptz, t.finished_at::timestamptz,"
                + " t.next_attempt_at::timestamptz, t.no_effect, t.node_id, t.fencing"
                + " from input t join fence on fence.id = t.saga_id"
                + " on conflict (saga_id, seq) do update set status = excluded.status, result = excluded.result,"
                + " error = excluded.error, attempts = excluded.attempts, attempt_log = excluded.attempt_log,"
                + " finished_at = excluded.finished_at, next_attempt_at = excluded.next_attempt_at,"
                + " no_effect = excluded.no_effect, node_id = excluded.node_id, fencing = excluded.fencing"
                + " returning saga_id, (select coalesce(f.cancel_reason, '') from fence f where f.id = saga_id)";
    }

    /** Writes the row if its fence holds; returns the cancel reason, if any, as the one-row write does. */
    Optional<String> write(Fence fence, StepRecord row) {
        var mine = new Pending(fence, row);
        queue.add(mine);
        while (!mine.done) {
            writer.lock();
            try {
                if (!mine.done) {
                    writeQueued();
                }
            } finally {
                writer.unlock();
            }
        }
        return mine.outcome();
    }

    /** How many rows wait to be written. */
    int queued() {
        return queue.size();
    }

    /** Takes what is queued (one row per saga) and writes it; called holding the writer lock. */
    private void writeQueued() {
        var batch = new ArrayList<Pending>();
        var sagas = new HashSet<UUID>();
        var later = new ArrayList<Pending>();
        Pending next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            (sagas.add(next.fence.sagaId()) ? batch : later).add(next);
        }
        queue.addAll(later); // a saga has one row in flight at a time; never two in one statement
        if (batch.size() == 1) {
            writeOne(batch.get(0));
            return;
        }
        try {
            var cancelReasons = writeBatch(batch);
            for (var pending : batch) {
                var reason = cancelReasons.get(pending.fence.sagaId());
                pending.finish(reason == null ? null : Optional.of(reason).filter(r -> !r.isEmpty()),
                        reason == null ? new FencedOffException(pending.fence.sagaId(), pending.fence.fencing()) : null);
            }
        } catch (RuntimeException batchFailed) {
            // e.g. a deadlock with a claim of another node: each row on its own then, with its own outcome
            batch.forEach(this::writeOne);
        }
    }

    private void writeOne(Pending pending) {
        try {
            pending.finish(single.write(pending.fence, pending.row), null);
        } catch (RuntimeException e) {
            pending.finish(null, e);
        }
    }

    private HashMap<UUID, String> writeBatch(List<Pending> batch) {
        var cancelReasons = new HashMap<UUID, String>();
        jdbc.query(con -> {
            var statement = con.prepareStatement(batchUpsert);
            int column = 1;
            statement.setArray(column++, array(con, "uuid", batch, p -> p.fence.sagaId()));
            statement.setArray(column++, array(con, "int8", batch, p -> p.fence.fencing()));
            statement.setArray(column++, array(con, "int4", batch, p -> p.row.seq()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.kind().name()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.name()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.status().name()));
            statement.setArray(column++, array(con, "int4", batch, p -> p.row.compensates()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.args()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.result()));
            statement.setArray(column++, array(con, "text", batch, p -> p.row.error()));
            statement.setArray(column++, array(con, "int4", batch, p -> p.row.attemptCount()));
            statement.setArray(column++, array(con, "text", batch, p -> attemptLog.apply(p.row)));
            statement.setArray(column++, array(con, "text", batch, p -> text(p.row.startedAt())));
            statement.setArray(column++, array(con, "text", batch, p -> text(p.row.finishedAt())));
            statement.setArray(column++, array(con, "text", batch, p -> text(p.row.nextAttemptAt())));
            statement.setArray(column++, array(con, "bool", batch, p -> p.row.noEffect()));
            statement.setArray(column, array(con, "text", batch, p -> p.fence.nodeId()));
            return statement;
        }, rs -> {
            cancelReasons.put(rs.getObject(1, UUID.class), rs.getString(2));
        });
        return cancelReasons;
    }

    private static java.sql.Array array(Connection con, String type, List<Pending> batch, Function<Pending, Object> value)
            throws SQLException {
        return con.createArrayOf(type, batch.stream().map(value).toArray());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** One row waiting to be written, and, once done, what became of it. */
    private static final class Pending {
        final Fence fence;
        final StepRecord row;
        volatile boolean done;
        private Optional<String> cancelReason;
        private RuntimeException failure;

        Pending(Fence fence, StepRecord row) {
            this.fence = fence;
            this.row = row;
        }

        void finish(Optional<String> reason, RuntimeException error) {
            cancelReason = reason;
            failure = error;
            done = true; // volatile write last: the owner reads the fields after seeing it
        }

        Optional<String> outcome() {
            if (failure != null) {
                throw failure;
            }
            return cancelReason;
        }
    }
}
