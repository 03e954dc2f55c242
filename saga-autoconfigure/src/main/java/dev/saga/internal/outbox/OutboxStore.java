package dev.saga.internal.outbox;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.internal.ledger.SqlSupport;

/**
 * The {@code saga_outbox} table: one row per unfinished saga. An unclaimed row is due at
 * {@code due_at}; a claimed row's {@code due_at} is the end of its lease, so a saga whose node died
 * becomes due again by itself once the lease runs out. Times come from the engine's clock.
 */
public final class OutboxStore {

    /** The only kind of work so far: run (or resume) the saga. */
    public static final String RUN = "RUN";

    private final JdbcTemplate jdbc;
    private final String outboxTable;
    private final String instanceTable;
    private final String claimSql;

    public OutboxStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        this.outboxTable = SqlSupport.schema(schema) + ".saga_outbox";
        this.instanceTable = schema + ".saga_instance";
        // one statement: pick due rows nobody holds, take them with a lease, raise each saga's fencing number
        this.claimSql = "with due as (select saga_id from " + outboxTable
                + " where due_at <= ? and saga_id <> all(?) order by due_at limit ? for update skip locked),"
                + " claimed as (update " + outboxTable + " o set claimed_by = ?, due_at = ?, claims = o.claims + 1,"
                + " recoveries = o.recoveries + case when o.claimed_by is null then 0 else 1 end"
                + " from due where o.saga_id = due.saga_id returning o.saga_id, o.recoveries, o.wakeups)"
                + " update " + instanceTable + " i set fencing = i.fencing + 1, updated_at = now() from claimed"
                + " where i.id = claimed.saga_id returning i.id, i.fencing, claimed.recoveries, claimed.wakeups";
    }

    /** Makes the saga due at the given time. */
    public void add(UUID sagaId, Instant due) {
        jdbc.update("insert into " + outboxTable + " (saga_id, kind, due_at) values (?, ?, ?)"
                + " on conflict (saga_id) do nothing", sagaId, RUN, SqlSupport.timestamp(due));
    }

    /** Claims up to {@code limit} sagas due by {@code now} for this node, skipping the ones it already runs. */
    public List<Claim> claim(String nodeId, int limit, Instant now, Instant leaseEnd, Collection<UUID> runningHere) {
        return jdbc.query(con -> {
            var statement = con.prepareStatement(claimSql);
            statement.setObject(1, SqlSupport.timestamp(now));
            statement.setArray(2, con.createArrayOf("uuid", runningHere.toArray()));
            statement.setInt(3, limit);
            statement.setString(4, nodeId);
            statement.setObject(5, SqlSupport.timestamp(leaseEnd));
            return statement;
        }, (rs, n) -> new Claim(rs.getObject(1, UUID.class), rs.getLong(2), rs.getInt(3), rs.getInt(4)));
    }

    /** Extends the leases of the sagas this node still runs. */
    public int renew(String nodeId, Collection<UUID> running, Instant leaseEnd) {
        if (running.isEmpty()) {
            return 0;
        }
        return jdbc.update(con -> {
            var statement = con.prepareStatement("update " + outboxTable
                    + " set due_at = ? where claimed_by = ? and saga_id = any(?)");
            statement.setObject(1, SqlSupport.timestamp(leaseEnd));
            statement.setString(2, nodeId);
            statement.setArray(3, con.createArrayOf("uuid", running.toArray()));
            return statement;
        });
    }

    /**
     * Gives the claim back and makes the saga due at {@code due}, or at {@code now} when a signal
     * or cancellation arrived after the claim; false if the claim was lost. A run that got this far
     * recorded an outcome, so the count of recoveries starts afresh.
     */
    public boolean release(Claim claim, String nodeId, Instant due, Instant now) {
        return jdbc.update("update " + outboxTable + " set claimed_by = null, recoveries = 0,"
                + " due_at = case when wakeups > ? then ? else ? end where saga_id = ? and claimed_by = ?",
                claim.wakeups(), SqlSupport.timestamp(now), SqlSupport.timestamp(due), claim.sagaId(), nodeId) == 1;
    }

    /** Makes a waiting saga due now; a running one finds out when it releases its claim. */
    public void wake(UUID sagaId, Instant now) {
        jdbc.update("update " + outboxTable + " set wakeups = wakeups + 1,"
                + " due_at = case when claimed_by is null then least(due_at, ?) else due_at end where saga_id = ?",
                SqlSupport.timestamp(now), sagaId);
    }

    /**
     * Work due by {@code now} that no live node holds (unclaimed, or claimed by a node whose lease
     * ran out): how much, and since when the oldest is due.
     */
    public Backlog backlog(Instant now) {
        return jdbc.queryForObject("select count(*), min(due_at) from " + outboxTable + " where due_at <= ?", (rs, n) -> new Backlog(rs.getLong(1),
                SqlSupport.instant(rs, "min")), SqlSupport.timestamp(now));
    }

    /** Unclaimed due work: how many sagas, and the due time of the oldest (null when none). */
    public record Backlog(long due, Instant oldestDueAt) {
    }

    /** Removes the finished saga's work; false if this node's claim was lost. */
    public boolean remove(UUID sagaId, String nodeId) {
        return jdbc.update("delete from " + outboxTable + " where saga_id = ? and claimed_by = ?", sagaId, nodeId) == 1;
    }

    /**
     * Cancels the running sagas whose deadline passed: records the reason, voids the claim of a
     * node that may still run one (its late result is fenced off) and makes them due now, so that
     * they are compensated. Returns how many.
     */
    public int expireDeadlines(Instant now) {
        // outbox rows first, then instances: the order in which claims lock them, so the two cannot deadlock
        return jdbc.update("with expired as (select id from " + instanceTable + " where deadline_at <= ?"
                + " and status = 'RUNNING' and cancel_reason is null),"
                + " woken as (update " + outboxTable + " o set claimed_by = null, due_at = ?, wakeups = o.wakeups + 1"
                + " from expired where o.saga_id = expired.id returning o.saga_id)"
                + " update " + instanceTable + " i set cancel_reason = 'deadline of '"
                + " || to_char(i.deadline_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || ' passed',"
                + " fencing = i.fencing + 1, updated_at = now() from woken where i.id = woken.saga_id",
                SqlSupport.timestamp(now), SqlSupport.timestamp(now));
    }
}
