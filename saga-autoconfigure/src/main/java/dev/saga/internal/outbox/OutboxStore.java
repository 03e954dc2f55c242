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
 *
 * <p>Lock order (docs/architecture.md): {@code saga_instance} before {@code saga_outbox}. The
 * statements here that must find their rows through the outbox first (claims, deadline expiry,
 * renewals) take every row lock with {@code SKIP LOCKED}, so they never wait for a lock: neither a
 * caller's open transaction nor a run in progress can stall the dispatcher's thread.
 */
public final class OutboxStore {

    /** The only kind of work so far: run (or resume) the saga. */
    public static final String RUN = "RUN";

    /**
     * Due rows nobody holds, each locked together with its instance (skipping any row another
     * transaction holds: a caller that signalled it, or a step of its old owner still committing),
     * taken with a lease; the instance's fencing number goes up. Reads outbox, writes both tables.
     * Rows this node's dispatcher holds since it started (their lease ends no earlier than one
     * lease after its start) that none of its workers runs are due at once: a claim, confirmation
     * or release of its own whose reply was lost (they committed), or a release that failed. Taking
     * them again is no takeover, so it does not count as a recovery; what an earlier run of a node
     * with the same id held is a takeover like any other, once its lease ran out.
     */
    private static final String CLAIM = """
            with due as (select o.saga_id, o.due_at, false as own from %1$s.saga_outbox o
                join %1$s.saga_instance i on i.id = o.saga_id where o.due_at <= ? and o.saga_id <> all(?)
                order by o.due_at limit ? for no key update of o, i skip locked),
            own as (select o.saga_id, o.due_at, true as own from %1$s.saga_outbox o
                join %1$s.saga_instance i on i.id = o.saga_id where o.claimed_by = ? and o.due_at >= ?
                and o.saga_id <> all(?) limit ? for no key update of o, i skip locked),
            picked as (select saga_id from (select * from own union all select * from due) p
                group by saga_id order by bool_or(p.own) desc, min(p.due_at) limit ?),
            claimed as (update %1$s.saga_outbox o set claimed_by = ?, due_at = ?, claims = o.claims + 1,
                recoveries = o.recoveries + case when o.claimed_by is null
                    or (o.claimed_by = ? and o.due_at >= ?) then 0 else 1 end
                from picked where o.saga_id = picked.saga_id returning o.saga_id, o.recoveries)
            update %1$s.saga_instance i set fencing = i.fencing + 1, updated_at = now() from claimed
                where i.id = claimed.saga_id returning i.id, i.fencing, claimed.recoveries, i.wakeups""";

    /** Rows locked by someone else are skipped: renewed on the next round, never waited for. */
    private static final String RENEW = """
            update %1$s.saga_outbox set due_at = ? where saga_id in (select saga_id from %1$s.saga_outbox
                where claimed_by = ? and saga_id = any(?) for no key update skip locked)""";

    /**
     * A saga written claimed by this node at its start, confirmed once its start committed: the
     * row exists, no other node claimed it since (fencing still the first number), and it gets a
     * fresh lease, all in one statement.
     */
    private static final String CONFIRM_STARTED_HERE = """
            update %1$s.saga_outbox o set due_at = ? from %1$s.saga_instance i
                where o.saga_id = ? and o.claimed_by = ? and i.id = o.saga_id and i.fencing = ?
                and i.status = 'RUNNING' returning o.saga_id""";

    /**
     * The share lock on the instance waits for a caller that signalled or cancelled the saga and
     * has not committed yet, so its wake-up is counted here (instance before outbox).
     */
    private static final String RELEASE = """
            with woken as (select wakeups from %1$s.saga_instance where id = ? for share)
            update %1$s.saga_outbox set claimed_by = null, recoveries = 0,
                due_at = case when (select wakeups from woken) > ? then ? else ? end
                where saga_id = ? and claimed_by = ?""";

    /** Only an unclaimed row: a run that holds the saga finds the wake-up when it releases it. */
    private static final String WAKE = """
            update %1$s.saga_outbox set due_at = least(due_at, ?) where saga_id = ? and claimed_by is null""";

    /**
     * Running sagas whose deadline passed, each locked with its outbox row (skipping rows others
     * hold: the next poll gets them): the claim is voided, the saga is due now, and the instance
     * gets the reason and a new fencing number, so a run still going on is fenced off. The last
     * update checks status and reason again: a saga that started compensating meanwhile stays so.
     */
    private static final String EXPIRE_DEADLINES = """
            with expired as (select i.id from %1$s.saga_instance i join %1$s.saga_outbox o on o.saga_id = i.id
                where i.deadline_at <= ? and i.status = 'RUNNING' and i.cancel_reason is null
                for no key update of i, o skip locked),
            woken as (update %1$s.saga_outbox o set claimed_by = null, due_at = ?
                from expired where o.saga_id = expired.id returning o.saga_id)
            update %1$s.saga_instance i set cancel_reason = 'deadline of '
                || to_char(i.deadline_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' passed',
                fencing = i.fencing + 1, wakeups = i.wakeups + 1, updated_at = now()
                from woken where i.id = woken.saga_id and i.status = 'RUNNING' and i.cancel_reason is null""";

    private final JdbcTemplate jdbc;
    private final String outboxTable;
    private final String claimSql;
    private final String renewSql;
    private final String confirmSql;
    private final String releaseSql;
    private final String wakeSql;
    private final String expireSql;

    public OutboxStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.outboxTable = checked + ".saga_outbox";
        this.claimSql = CLAIM.formatted(checked);
        this.renewSql = RENEW.formatted(checked);
        this.confirmSql = CONFIRM_STARTED_HERE.formatted(checked);
        this.releaseSql = RELEASE.formatted(checked);
        this.wakeSql = WAKE.formatted(checked);
        this.expireSql = EXPIRE_DEADLINES.formatted(checked);
    }

    /** Makes the saga due at the given time. */
    public void add(UUID sagaId, Instant due) {
        jdbc.update("insert into " + outboxTable + " (saga_id, kind, due_at) values (?, ?, ?)"
                + " on conflict (saga_id) do nothing", sagaId, RUN, SqlSupport.timestamp(due));
    }

    /**
     * Claims up to {@code limit} sagas due by {@code now} for this node, skipping the ones it
     * already holds ({@code heldHere}: run by a worker, or held for a start); rows this node
     * claimed since its dispatcher started but does not hold are taken again at once.
     *
     * @param ownLeasesFrom the dispatcher's start plus one lease: every lease this run of the
     *     node wrote ends then or later, every lease of an earlier run with its id ends earlier
     */
    public List<Claim> claim(String nodeId, int limit, Instant now, Instant leaseEnd, Instant ownLeasesFrom,
            Collection<UUID> heldHere) {
        return jdbc.query(con -> {
            // two look-ups, each on its own index (due_at; claimed_by), rather than one OR that scans every row
            var held = con.createArrayOf("uuid", heldHere.toArray());
            var statement = con.prepareStatement(claimSql);
            statement.setObject(1, SqlSupport.timestamp(now));
            statement.setArray(2, held);
            statement.setInt(3, limit);
            statement.setString(4, nodeId);
            statement.setObject(5, SqlSupport.timestamp(ownLeasesFrom));
            statement.setArray(6, held);
            statement.setInt(7, limit);
            statement.setInt(8, limit);
            statement.setString(9, nodeId);
            statement.setObject(10, SqlSupport.timestamp(leaseEnd));
            statement.setString(11, nodeId);
            statement.setObject(12, SqlSupport.timestamp(ownLeasesFrom));
            return statement;
        }, (rs, n) -> new Claim(rs.getObject(1, UUID.class), rs.getLong(2), rs.getInt(3), rs.getInt(4)));
    }

    /**
     * Extends the leases of the sagas this node runs; a row another transaction holds right now
     * is left for the next renewal.
     */
    public int renew(String nodeId, Collection<UUID> running, Instant leaseEnd) {
        return renew(nodeId, running, () -> leaseEnd);
    }

    /**
     * As {@link #renew(String, Collection, Instant)}, with the lease end computed once a
     * connection is in hand, so that waiting for one (a busy pool) does not shorten the lease.
     */
    public int renew(String nodeId, Collection<UUID> running, java.util.function.Supplier<Instant> leaseEnd) {
        if (running.isEmpty()) {
            return 0;
        }
        return jdbc.update(con -> {
            var statement = con.prepareStatement(renewSql);
            statement.setObject(1, SqlSupport.timestamp(leaseEnd.get()));
            statement.setString(2, nodeId);
            statement.setArray(3, con.createArrayOf("uuid", running.toArray()));
            return statement;
        });
    }

    /**
     * Confirms that a saga this node wrote claimed at its start committed and is still its claim,
     * and gives it a fresh lease; false when there is nothing to run (the start rolled back, also
     * to a savepoint, or another node took the saga over because the start committed late).
     */
    public boolean confirmStartedHere(UUID sagaId, String nodeId, long fencing, Instant leaseEnd) {
        return !jdbc.queryForList(confirmSql, UUID.class, SqlSupport.timestamp(leaseEnd), sagaId, nodeId, fencing)
                .isEmpty();
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
        return jdbc.queryForObject("select count(*), min(due_at) from " + outboxTable + " where due_at <= ?",
                (rs, n) -> new Backlog(rs.getLong(1), SqlSupport.instant(rs, "min")), SqlSupport.timestamp(now));
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
        return jdbc.update(expireSql, SqlSupport.timestamp(now), SqlSupport.timestamp(now));
    }
}
