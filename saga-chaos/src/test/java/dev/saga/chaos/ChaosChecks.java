package dev.saga.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The guarantees, checked in SQL once every saga has finished. Each check counts violations and
 * keeps a few examples to print.
 */
final class ChaosChecks {

    /** What the orchestrator knows and the database does not: what it did, and when. */
    record Facts(int sagasStarted, Map<String, Instant> killedAt, List<Outage> outages, Set<UUID> retried,
            Duration failedRetention, Set<String> lateKeys, Duration lease) {
    }

    /** The database was down from {@code from} to {@code to}. */
    record Outage(Instant from, Instant to) {
    }

    /** Per saga kind: its ledger bean, final status, transactional steps, non-transactional steps. */
    private static final String EXPECTED_EFFECTS = "(values"
            + " ('transfer', 'chaos_effect', 'debit'), ('transfer', 'chaos_effect', 'credit'),"
            + " ('transfer', 'chaos_external', 'notifyPayee'),"
            + " ('approval', 'chaos_effect', 'reserve'), ('approval', 'chaos_effect', 'ship'),"
            + " ('approval', 'chaos_external', 'confirm'),"
            + " ('doomed', 'chaos_effect', 'book'), ('doomed', 'chaos_effect', 'allocate'),"
            + " ('doomed', 'chaos_external', 'charge'),"
            + " ('recall', 'chaos_effect', 'hold'), ('recall', 'chaos_external', 'announce')) as e(saga, tab, step)";

    /** The kinds that are compensated, and their compensations (by first run) newest step first. */
    private static final String EXPECTED_UNDO = "(values ('doomed', 'allocate,charge,book'), ('recall', 'announce,hold'))"
            + " as x(saga, steps)";

    /**
     * A deletion (row {@code d} of {@code chaos_deleted}) that retention was entitled to: a FAILED
     * saga past {@code saga.retention.failed} (the other outcomes are kept 30 days).
     */
    private static String dueDeletion(Duration failedRetention) {
        return "(d.status = 'FAILED' and d.finished_at <= d.at - " + failedRetention.toMillis()
                + " * interval '1 millisecond')";
    }

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();
    private final List<String> takeoverExamples = new ArrayList<>();

    static ChaosChecks run(Connection connection, Facts facts) throws SQLException {
        var checks = new ChaosChecks();
        checks.record(connection, facts);
        checks.check(connection, facts);
        return checks;
    }

    long count(String name) {
        return counts.getOrDefault(name, 0L);
    }

    Map<String, Long> counts() {
        return counts;
    }

    List<String> examples() {
        return examples;
    }

    /**
     * A few leases that ran out on live nodes, and takeovers from live nodes, the earliest first (not
     * violations unless {@code chaos.strictLeases}: a lease may run out under load).
     */
    List<String> takeoverExamples() {
        return takeoverExamples;
    }

    /** Writes the kills and outages next to the audit tables, so that the takeover check can read them. */
    private void record(Connection connection, Facts facts) throws SQLException {
        try (var kill = connection.prepareStatement("insert into public.chaos_kill (node, at) values (?, ?)");
                var outage = connection.prepareStatement("insert into public.chaos_outage (from_at, to_at) values (?, ?)")) {
            for (var killed : facts.killedAt().entrySet()) {
                kill.setString(1, killed.getKey());
                kill.setTimestamp(2, Timestamp.from(killed.getValue()));
                kill.executeUpdate();
            }
            for (var down : facts.outages()) {
                outage.setTimestamp(1, Timestamp.from(down.from()));
                outage.setTimestamp(2, Timestamp.from(down.to()));
                outage.executeUpdate();
            }
        }
    }

    private void check(Connection connection, Facts facts) throws SQLException {
        String dueDeletion = dueDeletion(facts.failedRetention());
        // a saga that retention deleted when it was entitled to is not lost
        long accountedFor = single(connection, "select count(distinct business_key) from (select business_key"
                + " from saga.saga_instance union all select d.business_key from public.chaos_deleted d where "
                + dueDeletion + ") k");
        counts.put("lost", facts.sagasStarted() - accountedFor);
        counts.put("lost_to_retention", single(connection, "select count(*) from public.chaos_deleted d where "
                + dueDeletion));
        // a saga deleted that retention was not entitled to: unfinished (a retry raced the delete), or too young
        violations(connection, "vanished", "select d.name || ' ' || d.business_key || ' deleted while ' || d.status"
                + " || coalesce(', finished ' || to_char(d.at - d.finished_at, 'SS.MS') || ' s before', '')"
                + " from public.chaos_deleted d where not " + dueDeletion);
        // every saga the operator retried must be there, finished as its kind does (it cannot fail again after one
        // stuck run; with more, only a deletion retention was entitled to excuses it)
        try (var statement = connection.prepareStatement("select r.id || ' retried, then ' || coalesce("
                + " 'deleted while ' || (select string_agg(d.status, ',') from public.chaos_deleted d where d.saga_id = r.id),"
                + " 'missing') from unnest(?::uuid[]) as r(id)"
                + " where not exists (select 1 from saga.saga_instance i where i.id = r.id)"
                + " and not exists (select 1 from public.chaos_deleted d where d.saga_id = r.id and "
                + dueDeletion + ")")) {
            statement.setArray(1, connection.createArrayOf("uuid", facts.retried().toArray()));
            violations("retried_lost", statement.executeQuery());
        }
        for (var status : List.of("COMPLETED", "COMPENSATED", "PARKED", "FAILED", "RUNNING", "COMPENSATING",
                "CANCELLED")) {
            counts.put(status.toLowerCase(), single(connection,
                    "select count(*) from saga.saga_instance where status = '" + status + "'"));
        }
        violations(connection, "unexpected_status", "select name || ' ' || business_key || ' ended ' || status"
                + " || coalesce(': ' || error, '') from saga.saga_instance"
                + " where (name in ('transfer', 'approval') and status <> 'COMPLETED')"
                + " or (name in ('doomed', 'recall') and status <> 'COMPENSATED')");
        // exactly once: transactional steps and compensations
        String kind = "coalesce((select name from saga.saga_instance i where i.id = saga_id), 'deleted') || ' '";
        violations(connection, "duplicated_effects", "select " + kind + " || saga_id || ' ' || step || ' took effect '"
                + " || count(*) || ' times' from chaos_effect group by saga_id, step having count(*) > 1"
                + " union all select " + kind + " || saga_id || ' undo of ' || step || ' took effect ' || count(*)"
                + " || ' times' from chaos_compensation where transactional group by saga_id, step having count(*) > 1");
        // at least once: every step of every saga took effect
        violations(connection, "lost_effects", "select i.name || ' ' || i.business_key || ' has no ' || e.step"
                + " from saga.saga_instance i join " + EXPECTED_EFFECTS + " on e.saga = i.name"
                + " where (e.tab = 'chaos_effect' and not exists (select 1 from chaos_effect f"
                + " where f.saga_id = i.id and f.step = e.step))"
                + " or (e.tab = 'chaos_external' and not exists (select 1 from chaos_external x"
                + " where x.saga_id = i.id and x.step = e.step))");
        // every repetition of a non-transactional step or compensation carries the one key of that step (the
        // ledger of a deleted saga is gone with it: its keys cannot be compared)
        violations(connection, "idempotency_violations", "select saga_id || ' ' || step || ' ran with '"
                + " || count(distinct idem_key) || ' keys' from chaos_external group by saga_id, step"
                + " having count(distinct idem_key) <> 1"
                + " union all select x.saga_id || ' ' || x.step || ' ran with key ' || x.idem_key"
                + " || ', not its ledger key' from chaos_external x where not exists (select 1 from saga.saga_step s"
                + " where s.saga_id = x.saga_id and s.kind = 'STEP' and split_part(s.name, '.', 2) = x.step"
                + " and x.idem_key = s.saga_id || '/' || s.seq)"
                + " and not exists (select 1 from public.chaos_deleted d where d.saga_id = x.saga_id)"
                + " union all select c.saga_id || ' undo of ' || c.step || ' got key ' || c.idem_key"
                + " || ', not the key of the step it undoes' from chaos_compensation c where not exists"
                + " (select 1 from saga.saga_step s where s.saga_id = c.saga_id and s.kind = 'STEP'"
                + " and split_part(s.name, '.', 2) = c.step and c.idem_key = s.saga_id || '/' || s.seq)"
                + " and not exists (select 1 from public.chaos_deleted d where d.saga_id = c.saga_id)");
        // compensated: exactly the completed steps, newest first, by their first run and in the ledger
        violations(connection, "order_violations", "with first_undo as (select saga_id, step, min(id) as first"
                + " from chaos_compensation group by saga_id, step),"
                + " undone as (select saga_id, string_agg(step, ',' order by first) as steps from first_undo"
                + " group by saga_id),"
                + " completed as (select saga_id, string_agg(split_part(name, '.', 2), ',' order by seq desc)"
                + " as steps, array_agg(seq order by seq desc) as seqs from saga.saga_step"
                + " where kind = 'STEP' and status = 'COMPLETED' group by saga_id),"
                + " ledger_undo as (select saga_id, array_agg(compensates order by seq) as seqs,"
                + " bool_and(status = 'COMPLETED') as all_done from saga.saga_step where kind = 'COMPENSATION'"
                + " group by saga_id)"
                + " select i.name || ' ' || i.business_key || ': completed [' || coalesce(c.steps, '') || '], undone ['"
                + " || coalesce(u.steps, '') || '], ledger compensations of seqs ' || coalesce(l.seqs::text, '{}')"
                + " from saga.saga_instance i left join undone u on u.saga_id = i.id"
                + " left join completed c on c.saga_id = i.id left join ledger_undo l on l.saga_id = i.id"
                + " left join " + EXPECTED_UNDO + " on x.saga = i.name"
                + " where (x.saga is not null and (u.steps is distinct from x.steps"
                + " or c.steps is distinct from u.steps or l.seqs is distinct from c.seqs or not l.all_done))"
                + " or (x.saga is null and (u.steps is not null or l.seqs is not null))");
        // fencing: no row under a stale fencing number (trigger), and every row's writer held that claim
        violations(connection, "fenced_writes", "select 'stale write: saga ' || saga_id || ' seq ' || seq || ' by '"
                + " || coalesce(node, '?') || ' with fencing ' || coalesce(fencing::text, 'null') || ' < '"
                + " || coalesce(current_fencing::text, '?') from public.chaos_fence_violation"
                + " union all select 'saga ' || s.saga_id || ' seq ' || s.seq || ' written by '"
                + " || coalesce(s.node_id, 'null') || ' with fencing ' || coalesce(s.fencing::text, 'null')"
                + " || ', which that node never claimed' from saga.saga_step s where not exists"
                + " (select 1 from public.chaos_claim c where c.saga_id = s.saga_id and c.fencing = s.fencing"
                + " and c.node = s.node_id)");
        counts.put("external_repeats", single(connection, "select (select count(*) from chaos_external)"
                + " - (select count(*) from (select distinct saga_id, step from chaos_external) d)"));
        counts.put("claims", single(connection, "select count(*) from public.chaos_claim"));
        counts.put("takeovers", single(connection, "select count(*) from public.chaos_takeover"));
        // taken by another node from one that was not killed, from a claim that no database outage overlapped: its
        // lease ran out while it was alive and could reach the database (it did not renew in time). A node that
        // claims its own expired claim again takes back a saga whose run it ended (an engine write failed) without
        // giving it back.
        String live = "from public.chaos_takeover t where t.to_node is distinct from t.from_node"
                + " and not exists (select 1 from public.chaos_kill k where k.node = t.from_node and k.at <= t.at)"
                + " and not exists (select 1 from public.chaos_outage o where o.from_at <= t.at and o.to_at >="
                + " (select max(c.at) from public.chaos_claim c where c.saga_id = t.saga_id and c.node = t.from_node"
                + " and c.at <= t.at))";
        counts.put("live_takeovers", single(connection, "select count(*) " + live));
        try (var statement = connection.prepareStatement("select count(*) " + live + " and exists (select 1"
                + " from saga.saga_instance i where i.id = t.saga_id and i.business_key = any(?))")) {
            statement.setArray(1, connection.createArrayOf("text", facts.lateKeys().toArray()));
            try (var rows = statement.executeQuery()) {
                rows.next();
                counts.put("late_start_takeovers", rows.getLong(1));
            }
        }
        // renewed after it had run out, by a node that was not cut off by a database outage meanwhile; a start
        // that committed after its lease (a late start) is confirmed with a fresh lease by design, before its
        // worker runs anything (another node may take it first): counted apart, not a lapse of a running saga
        String anyLapse = "from public.chaos_lapse l where not exists (select 1 from public.chaos_outage o"
                + " where o.from_at <= l.renewed_at and o.to_at >= l.lease_end - " + facts.lease().toMillis()
                + " * interval '1 millisecond')";
        String lapsed = anyLapse + " and not exists (select 1 from saga.saga_instance i where i.id = l.saga_id"
                + " and i.business_key = any(?))";
        try (var statement = connection.prepareStatement("select count(*) " + lapsed)) {
            statement.setArray(1, connection.createArrayOf("text", facts.lateKeys().toArray()));
            try (var rows = statement.executeQuery()) {
                rows.next();
                counts.put("lapsed_leases", rows.getLong(1));
            }
        }
        try (var statement = connection.prepareStatement("select count(*) " + anyLapse + " and exists (select 1"
                + " from saga.saga_instance i where i.id = l.saga_id and i.business_key = any(?))")) {
            statement.setArray(1, connection.createArrayOf("text", facts.lateKeys().toArray()));
            try (var rows = statement.executeQuery()) {
                rows.next();
                counts.put("late_start_lapses", rows.getLong(1));
            }
        }
        try (var statement = connection.prepareStatement("select 'lease of saga ' || l.saga_id || ' on '"
                + " || l.node || ' ran out at ' || to_char(l.lease_end, 'HH24:MI:SS.MS') || ', renewed '"
                + " || to_char(l.renewed_at - l.lease_end, 'SS.MS') || ' s later' " + lapsed
                + " order by l.renewed_at limit 5")) {
            statement.setArray(1, connection.createArrayOf("text", facts.lateKeys().toArray()));
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    takeoverExamples.add(rows.getString(1));
                }
            }
        }
        try (var rows = connection.createStatement().executeQuery("select 'saga ' || t.saga_id || ' taken from '"
                + " || t.from_node || ' by ' || coalesce(t.to_node, '?') || ' at ' || to_char(t.at, 'HH24:MI:SS.MS') "
                + live + " order by t.at limit 5")) {
            while (rows.next()) {
                takeoverExamples.add(rows.getString(1));
            }
        }
    }

    private void violations(Connection connection, String name, String sql) throws SQLException {
        violations(name, connection.createStatement().executeQuery(sql));
    }

    private void violations(String name, java.sql.ResultSet found) throws SQLException {
        long count = 0;
        try (var rows = found) {
            while (rows.next()) {
                if (count++ < 5) {
                    examples.add(name + ": " + rows.getString(1));
                }
            }
        }
        counts.put(name, count);
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
