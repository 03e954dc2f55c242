package dev.saga.chaos;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The guarantees, checked in SQL once every saga has finished. Each check counts violations and
 * keeps a few examples to print.
 */
final class ChaosChecks {

    /** Per saga kind: its ledger bean, final status, transactional steps, non-transactional steps. */
    private static final String EXPECTED_EFFECTS = "(values"
            + " ('transfer', 'chaos_effect', 'debit'), ('transfer', 'chaos_effect', 'credit'),"
            + " ('transfer', 'chaos_external', 'notifyPayee'),"
            + " ('approval', 'chaos_effect', 'reserve'), ('approval', 'chaos_effect', 'ship'),"
            + " ('approval', 'chaos_external', 'confirm'),"
            + " ('doomed', 'chaos_effect', 'book'), ('doomed', 'chaos_effect', 'allocate'),"
            + " ('doomed', 'chaos_external', 'charge')) as e(saga, tab, step)";

    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();

    static ChaosChecks run(Connection connection, int sagasStarted) throws SQLException {
        var checks = new ChaosChecks();
        checks.check(connection, sagasStarted);
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

    private void check(Connection connection, int sagasStarted) throws SQLException {
        long instances = single(connection, "select count(distinct business_key) from saga.saga_instance");
        counts.put("lost", sagasStarted - instances);
        for (var status : List.of("COMPLETED", "COMPENSATED", "PARKED", "FAILED", "RUNNING", "COMPENSATING",
                "CANCELLED")) {
            counts.put(status.toLowerCase(), single(connection,
                    "select count(*) from saga.saga_instance where status = '" + status + "'"));
        }
        violations(connection, "unexpected_status", "select name || ' ' || business_key || ' ended ' || status"
                + " || coalesce(': ' || error, '') from saga.saga_instance"
                + " where (name in ('transfer', 'approval') and status <> 'COMPLETED')"
                + " or (name = 'doomed' and status <> 'COMPENSATED')");
        // exactly once: transactional steps and compensations
        violations(connection, "duplicated_effects", "select saga_id || ' ' || step || ' took effect ' || count(*)"
                + " || ' times' from chaos_effect group by saga_id, step having count(*) > 1"
                + " union all select saga_id || ' undo of ' || step || ' took effect ' || count(*) || ' times'"
                + " from chaos_compensation where transactional group by saga_id, step having count(*) > 1");
        // at least once: every step of every saga took effect
        violations(connection, "lost_effects", "select i.name || ' ' || i.business_key || ' has no ' || e.step"
                + " from saga.saga_instance i join " + EXPECTED_EFFECTS + " on e.saga = i.name"
                + " where (e.tab = 'chaos_effect' and not exists (select 1 from chaos_effect f"
                + " where f.saga_id = i.id and f.step = e.step))"
                + " or (e.tab = 'chaos_external' and not exists (select 1 from chaos_external x"
                + " where x.saga_id = i.id and x.step = e.step))");
        // every repetition of a non-transactional step or compensation carries the one key of that step
        violations(connection, "idempotency_violations", "select saga_id || ' ' || step || ' ran with '"
                + " || count(distinct idem_key) || ' keys' from chaos_external group by saga_id, step"
                + " having count(distinct idem_key) <> 1"
                + " union all select x.saga_id || ' ' || x.step || ' ran with key ' || x.idem_key"
                + " || ', not its ledger key' from chaos_external x where not exists (select 1 from saga.saga_step s"
                + " where s.saga_id = x.saga_id and s.kind = 'STEP' and split_part(s.name, '.', 2) = x.step"
                + " and x.idem_key = s.saga_id || '/' || s.seq)"
                + " union all select c.saga_id || ' undo of ' || c.step || ' got key ' || c.idem_key"
                + " || ', not the key of the step it undoes' from chaos_compensation c where not exists"
                + " (select 1 from saga.saga_step s where s.saga_id = c.saga_id and s.kind = 'STEP'"
                + " and split_part(s.name, '.', 2) = c.step and c.idem_key = s.saga_id || '/' || s.seq)");
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
                + " where (i.name = 'doomed' and (u.steps is distinct from 'allocate,charge,book'"
                + " or c.steps is distinct from u.steps or l.seqs is distinct from c.seqs or not l.all_done))"
                + " or (i.name <> 'doomed' and (u.steps is not null or l.seqs is not null))");
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
    }

    private void violations(Connection connection, String name, String sql) throws SQLException {
        long found = 0;
        try (var rows = connection.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                if (found++ < 5) {
                    examples.add(name + ": " + rows.getString(1));
                }
            }
        }
        counts.put(name, found);
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (var rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
