package dev.saga.internal.outbox;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.internal.ledger.SqlSupport;

/**
 * The dispatcher's statements on {@code saga_outbox}: claiming due work under a lease, renewing
 * the leases of running sagas, confirming sagas started here, and expiring deadlines. A claimed
 * row's {@code due_at} is the end of its lease, so a saga whose node died becomes due again by
 * itself once the lease runs out. Times come from the engine's clock.
 *
 * <p>Lock order (docs/architecture.md): {@code saga_instance} before {@code saga_outbox}, here too.
 * Claims, deadline expiry and renewals find their rows through the outbox, and take their row locks
 * with {@code SKIP LOCKED}: a caller's open transaction or a run in progress does not stall the
 * dispatcher's thread. The order still matters: {@code SKIP LOCKED} does not skip every wait
 * (PostgreSQL waits for the writer of a newer version of a row updated since the statement began,
 * while it locks that row), and a lock taken on the outbox row of a saga whose instance row is then
 * skipped stays held until the claim commits. {@code FOR NO KEY UPDATE OF i, o} locks in the order
 * it names, so the outbox row is locked only once its instance is.
 */
public final class ClaimStore {

    /**
     * Two tables, one round trip: the claim ({@code saga_outbox}) and the raised fencing number
     * ({@code saga_instance}) that fences off the old owner commit together. Due rows nobody holds,
     * each locked together with its instance (skipping any row another transaction holds: a caller
     * that signalled it, or a step of its old owner still committing), taken with a lease.
     * Rows this node's dispatcher holds since it started (their lease ends no earlier than one
     * lease after its start) that none of its workers runs are due at once: a claim, confirmation
     * or release of its own whose reply was lost (they committed), or a release that failed. Taking
     * them again is no takeover, so it does not count as a recovery; what an earlier run of a node
     * with the same id held is a takeover like any other, once its lease ran out. Only leases that
     * end before this claim's own lease are taken back: they were written before the poll began,
     * so before it copied what the node holds. A saga started here meanwhile, by a worker freed
     * while the poll ran, has a later lease and is its held worker's, not this poll's.
     */
    private static final String CLAIM = """
            with due as (select o.saga_id, o.due_at, false as own from %1$s.saga_outbox o
                join %1$s.saga_instance i on i.id = o.saga_id where o.due_at <= ? and o.saga_id <> all(?)
                order by o.due_at limit ? for no key update of i, o skip locked),
            own as (select o.saga_id, o.due_at, true as own from %1$s.saga_outbox o
                join %1$s.saga_instance i on i.id = o.saga_id where o.claimed_by = ? and o.due_at >= ?
                and o.due_at < ? and o.saga_id <> all(?) limit ? for no key update of i, o skip locked),
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
     * Two tables, one round trip: a saga written claimed by this node at its start, confirmed once
     * its start committed. The row exists, no other node claimed it since (the fencing number on
     * {@code saga_instance}, read and not locked, is still the first), and it gets a fresh lease:
     * one statement, so that no claim comes between the check and the lease.
     */
    private static final String CONFIRM_STARTED_HERE = """
            update %1$s.saga_outbox o set due_at = ? from %1$s.saga_instance i
                where o.saga_id = ? and o.claimed_by = ? and i.id = o.saga_id and i.fencing = ?
                and i.status = 'RUNNING' returning o.saga_id""";

    /**
     * Two tables, one round trip: the voided claim ({@code saga_outbox}) and the reason and new
     * fencing number ({@code saga_instance}) commit together, so a run still going on is fenced
     * off. Running sagas whose deadline passed, each locked with its outbox row (skipping rows others
     * hold: the next poll gets them): the claim is voided and the saga is due now. The last update
     * checks status and reason again: a saga that started compensating meanwhile stays so.
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
    private final String claimSql;
    private final String renewSql;
    private final String confirmSql;
    private final String expireSql;

    public ClaimStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.claimSql = CLAIM.formatted(checked);
        this.renewSql = RENEW.formatted(checked);
        this.confirmSql = CONFIRM_STARTED_HERE.formatted(checked);
        this.expireSql = EXPIRE_DEADLINES.formatted(checked);
    }

    /**
     * Claims up to {@code limit} sagas due by {@code now} for this node, skipping the ones it
     * already holds ({@code heldHere}: run by a worker, or held for a start); rows this node
     * claimed since its dispatcher started but does not hold are taken again at once.
     *
     * @param leaseEnd the lease of what this claim takes: {@code now} plus one lease, {@code now}
     *     read before {@code heldHere} was copied, so that own leases written since end later
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
            statement.setObject(6, SqlSupport.timestamp(leaseEnd));
            statement.setArray(7, held);
            statement.setInt(8, limit);
            statement.setInt(9, limit);
            statement.setString(10, nodeId);
            statement.setObject(11, SqlSupport.timestamp(leaseEnd));
            statement.setString(12, nodeId);
            statement.setObject(13, SqlSupport.timestamp(ownLeasesFrom));
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
    public int renew(String nodeId, Collection<UUID> running, Supplier<Instant> leaseEnd) {
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
     * Cancels the running sagas whose deadline passed: records the reason, voids the claim of a
     * node that may still run one (its late result is fenced off) and makes them due now, so that
     * they are compensated. Returns how many.
     */
    public int expireDeadlines(Instant now) {
        return jdbc.update(expireSql, SqlSupport.timestamp(now), SqlSupport.timestamp(now));
    }
}
