package dev.saga.internal.outbox;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.internal.ledger.SqlSupport;

/**
 * The {@code saga_outbox} table as callers and runs change it: one row per unfinished saga,
 * unclaimed and due at {@code due_at}, or claimed (see {@link ClaimStore}) with {@code due_at} the
 * end of its lease. Every statement here finds its row by the saga's id, and a caller runs it
 * after it wrote the saga's instance row (the lock order, docs/architecture.md: {@code saga_instance}
 * before {@code saga_outbox}). Times come from the engine's clock.
 */
public final class OutboxStore {

    /** The only kind of work so far: run (or resume) the saga. */
    public static final String RUN = "RUN";

    private static final String ADD = """
            insert into %1$s.saga_outbox (saga_id, kind, due_at) values (?, ?, ?) on conflict (saga_id) do nothing""";

    /**
     * Two tables, one round trip: the share lock on {@code saga_instance} waits for a caller that
     * signalled or cancelled the saga and has not committed yet, so its wake-up counts in the due
     * time written to {@code saga_outbox} (instance before outbox, the lock order); read in a
     * statement of its own, a wake-up committed between the read and the release would be missed.
     */
    private static final String RELEASE = """
            with woken as (select wakeups from %1$s.saga_instance where id = ? for share)
            update %1$s.saga_outbox set claimed_by = null, recoveries = 0,
                due_at = case when (select wakeups from woken) > ? then ? else ? end
                where saga_id = ? and claimed_by = ?""";

    /** Only an unclaimed row: a run that holds the saga finds the wake-up when it releases it. */
    private static final String WAKE = """
            update %1$s.saga_outbox set due_at = least(due_at, ?) where saga_id = ? and claimed_by is null""";

    private static final String BACKLOG = """
            select count(*), min(due_at) from %1$s.saga_outbox where due_at <= ?""";

    private static final String REMOVE = """
            delete from %1$s.saga_outbox where saga_id = ? and claimed_by = ?""";

    private final JdbcTemplate jdbc;
    private final String addSql;
    private final String releaseSql;
    private final String wakeSql;
    private final String backlogSql;
    private final String removeSql;

    public OutboxStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.addSql = ADD.formatted(checked);
        this.releaseSql = RELEASE.formatted(checked);
        this.wakeSql = WAKE.formatted(checked);
        this.backlogSql = BACKLOG.formatted(checked);
        this.removeSql = REMOVE.formatted(checked);
    }

    /** Makes the saga due at the given time. */
    public void add(UUID sagaId, Instant due) {
        jdbc.update(addSql, sagaId, RUN, SqlSupport.timestamp(due));
    }

    /**
     * Gives the claim back and makes the saga due at {@code due}, or at {@code now} when a signal
     * or cancellation arrived after the claim; false if the claim was lost. A run that got this far
     * recorded an outcome, so the count of recoveries starts afresh.
     */
    public boolean release(Claim claim, String nodeId, Instant due, Instant now) {
        return jdbc.update(releaseSql, claim.sagaId(), claim.wakeups(), SqlSupport.timestamp(now),
                SqlSupport.timestamp(due), claim.sagaId(), nodeId) == 1;
    }

    /**
     * Makes a waiting saga due now. A running one is not touched (its wake-up was counted on the
     * instance, and its run finds it when it releases the saga), so a caller's transaction holds
     * no lock that the running node's lease renewal needs.
     */
    public void wake(UUID sagaId, Instant now) {
        jdbc.update(wakeSql, SqlSupport.timestamp(now), sagaId);
    }

    /**
     * Work due by {@code now} that no live node holds (unclaimed, or claimed by a node whose lease
     * ran out): how much, and since when the oldest is due.
     */
    public Backlog backlog(Instant now) {
        return jdbc.queryForObject(backlogSql, (rs, n) -> new Backlog(rs.getLong(1), SqlSupport.instant(rs, "min")),
                SqlSupport.timestamp(now));
    }

    /** Unclaimed due work: how many sagas, and the due time of the oldest (null when none). */
    public record Backlog(long due, @Nullable Instant oldestDueAt) {
    }

    /** Removes the finished saga's work; false if this node's claim was lost. */
    public boolean remove(UUID sagaId, String nodeId) {
        return jdbc.update(removeSql, sagaId, nodeId) == 1;
    }
}
