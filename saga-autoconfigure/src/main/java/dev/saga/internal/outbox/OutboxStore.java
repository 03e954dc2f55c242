package dev.saga.internal.outbox;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.internal.ledger.SqlSupport;

/**
 * The {@code saga_outbox} table: one row per unfinished saga. An unclaimed row is due at
 * {@code due_at}; a claimed row's {@code due_at} is the end of its lease, so a saga whose node died
 * becomes due again by itself once the lease runs out.
 */
public final class OutboxStore {

    /** The only kind of work so far: run (or resume) the saga. */
    public static final String RUN = "RUN";

    private final JdbcTemplate jdbc;
    private final String outboxTable;
    private final String claimSql;

    public OutboxStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        this.outboxTable = SqlSupport.schema(schema) + ".saga_outbox";
        // one statement: pick due rows nobody holds, take them with a lease, raise each saga's fencing number
        this.claimSql = "with due as (select saga_id from " + outboxTable
                + " where due_at <= now() and saga_id <> all(?) order by due_at limit ? for update skip locked),"
                + " claimed as (update " + outboxTable + " o set claimed_by = ?,"
                + " due_at = now() + ? * interval '1 millisecond', claims = o.claims + 1,"
                + " recoveries = o.recoveries + case when o.claimed_by is null then 0 else 1 end"
                + " from due where o.saga_id = due.saga_id returning o.saga_id, o.recoveries)"
                + " update " + schema + ".saga_instance i set fencing = i.fencing + 1 from claimed"
                + " where i.id = claimed.saga_id returning i.id, i.fencing, claimed.recoveries";
    }

    /** Makes the saga due after the delay. */
    public void add(UUID sagaId, Duration delay) {
        jdbc.update("insert into " + outboxTable + " (saga_id, kind, due_at)"
                + " values (?, ?, now() + ? * interval '1 millisecond') on conflict (saga_id) do nothing",
                sagaId, RUN, delay.toMillis());
    }

    /** Claims up to {@code limit} due sagas for this node, skipping the ones it already runs. */
    public List<Claim> claim(String nodeId, int limit, Duration lease, Collection<UUID> runningHere) {
        return jdbc.query(con -> {
            var statement = con.prepareStatement(claimSql);
            statement.setArray(1, con.createArrayOf("uuid", runningHere.toArray()));
            statement.setInt(2, limit);
            statement.setString(3, nodeId);
            statement.setLong(4, lease.toMillis());
            return statement;
        }, (rs, n) -> new Claim(rs.getObject(1, UUID.class), rs.getLong(2), rs.getInt(3)));
    }

    /** Extends the leases of the sagas this node still runs. */
    public int renew(String nodeId, Collection<UUID> running, Duration lease) {
        if (running.isEmpty()) {
            return 0;
        }
        return jdbc.update(con -> {
            var statement = con.prepareStatement("update " + outboxTable
                    + " set due_at = now() + ? * interval '1 millisecond' where claimed_by = ? and saga_id = any(?)");
            statement.setLong(1, lease.toMillis());
            statement.setString(2, nodeId);
            statement.setArray(3, con.createArrayOf("uuid", running.toArray()));
            return statement;
        });
    }

    /**
     * Gives the claim back and makes the saga due again after the delay; false if the claim was
     * lost. A run that got this far recorded an outcome, so the count of recoveries starts afresh.
     */
    public boolean release(UUID sagaId, String nodeId, Duration dueIn) {
        return jdbc.update("update " + outboxTable + " set claimed_by = null, recoveries = 0,"
                + " due_at = now() + ? * interval '1 millisecond' where saga_id = ? and claimed_by = ?",
                dueIn.toMillis(), sagaId, nodeId) == 1;
    }

    /** Removes the finished saga's work; false if this node's claim was lost. */
    public boolean remove(UUID sagaId, String nodeId) {
        return jdbc.update("delete from " + outboxTable + " where saga_id = ? and claimed_by = ?", sagaId, nodeId) == 1;
    }
}
