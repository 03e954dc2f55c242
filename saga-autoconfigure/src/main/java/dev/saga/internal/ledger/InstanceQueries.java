package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaView;
import dev.saga.internal.codec.TraceContext;

/**
 * Reads saga instances ({@code saga_instance}) for callers and operators: one saga, a filtered page,
 * counts. Nothing here locks or writes.
 */
public final class InstanceQueries {

    /**
     * Two tables, one round trip: each instance with the length of its history (its rows in
     * {@code saga_step}), so that a page or a run's start needs no query per saga. A plain read:
     * it takes no lock on either table.
     */
    private static final String WITH_HISTORY = """
            select i.*, %2$s from %1$s.saga_instance i""";

    /** The length of the saga's history, for {@link #WITH_HISTORY} and {@link #TRIAGE}. */
    private static final String HISTORY = """
            (select count(*) from %1$s.saga_step s where s.saga_id = i.id) as history""";

    /**
     * Whether no live node seems to run the saga, on its {@code saga_outbox o} row: claimed with
     * its lease run out, or unclaimed and due for longer than a lease. Parameters: now, and now
     * less a lease.
     */
    private static final String STUCK = """
            (o.claimed_by is not null and o.due_at < ? or o.claimed_by is null and o.due_at < ?)""";

    /**
     * The kind of the saga's open entry, the last RETRYING row of its history: a wait that has not
     * ended or a step between attempts. The views call it pending.
     */
    private static final String PENDING_KIND = """
            (select s.kind from %1$s.saga_step s where s.saga_id = i.id and s.status = 'RETRYING'
                order by s.seq desc limit 1)""";

    /**
     * The sagas a query selects (the where clause, and order and page, follow: {@code %2$s}) with
     * the length of their history and where each stands for the engine: its outbox row (claim,
     * lease or due time, recoveries; none once it has finished) and its pending entry, for the
     * triage view. The sagas are chosen first, so that the joins run for one page only. Parameters:
     * the where clause's and page's, then two for {@link #STUCK}. A plain read, like the others.
     */
    private static final String TRIAGE = """
            with chosen as (select i.* from %1$s.saga_instance i%2$s)
            select i.*, %4$s, o.claimed_by, o.due_at as outbox_due_at, o.recoveries, %3$s as stuck,
                p.seq as pending_seq, p.kind as pending_kind, p.name as pending_name,
                p.started_at as pending_since, p.next_attempt_at as pending_until, p.attempts as pending_attempts
                from chosen i
                left join %1$s.saga_outbox o on o.saga_id = i.id
                left join lateral (select s.seq, s.kind, s.name, s.started_at, s.next_attempt_at, s.attempts
                    from %1$s.saga_step s where s.saga_id = i.id and s.status = 'RETRYING'
                    order by s.seq desc limit 1) p on true
                order by i.created_at desc, i.id""";

    private static final String COUNT = """
            select count(*) from %1$s.saga_instance i""";

    /** Follows a {@link Filter}: newest first, one page. */
    private static final String PAGE = " order by i.created_at desc, i.id limit ? offset ?";

    /** Follows {@link #WITH_HISTORY} or {@link #TRIAGE}. */
    private static final String BY_ID = " where i.id = ?";

    private static final String ID_BY_BUSINESS_KEY = """
            select id from %1$s.saga_instance where name = ? and business_key = ?""";

    private static final String COUNT_BY_NAME_AND_STATUS = """
            select name, status, count(*) from %1$s.saga_instance group by name, status""";

    private static final String COUNT_NEEDING_OPERATOR = """
            select count(*) from %1$s.saga_instance where status in ('FAILED', 'PARKED')""";

    /**
     * The sagas whose entry method replays when they next run: RUNNING ones, and PARKED ones once
     * an operator retries them (COMPENSATING and FAILED ones only compensate). Oldest first.
     */
    private static final String REPLAYING = """
            select id from %1$s.saga_instance where status in ('RUNNING', 'PARKED') order by created_at, id""";

    private final JdbcTemplate jdbc;
    private final String withHistory;
    private final String schema;
    private final String stuck;
    private final String pendingKind;
    private final String count;
    private final String idByBusinessKey;
    private final String countByNameAndStatus;
    private final String countNeedingOperator;
    private final String replaying;

    public InstanceQueries(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.withHistory = WITH_HISTORY.formatted(checked, HISTORY.formatted(checked));
        this.schema = checked;
        this.stuck = "exists (select 1 from %1$s.saga_outbox o where o.saga_id = i.id and %2$s)".formatted(checked,
                STUCK);
        this.pendingKind = PENDING_KIND.formatted(checked);
        this.count = COUNT.formatted(checked);
        this.idByBusinessKey = ID_BY_BUSINESS_KEY.formatted(checked);
        this.countByNameAndStatus = COUNT_BY_NAME_AND_STATUS.formatted(checked);
        this.countNeedingOperator = COUNT_NEEDING_OPERATOR.formatted(checked);
        this.replaying = REPLAYING.formatted(checked);
    }

    public Optional<InstanceRecord> findInstance(UUID id) {
        return jdbc.query(withHistory + BY_ID, InstanceQueries::instance, id).stream().findFirst();
    }

    public Optional<UUID> findIdByBusinessKey(String name, String businessKey) {
        return jdbc.query(idByBusinessKey, (rs, n) -> rs.getObject(1, UUID.class), name, businessKey).stream()
                .findFirst();
    }

    /**
     * The saga with where it stands for the engine ({@link SagaView#progress()}), for the triage
     * view; {@code stuckAfter} is how long an unclaimed saga may be due before it counts as stuck.
     */
    public Optional<SagaView> find(UUID id, Triage triage) {
        var arguments = new ArrayList<Object>(List.of(id));
        arguments.addAll(triage.stuckArguments());
        return jdbc.query(triage(BY_ID), triage::view, arguments.toArray()).stream().findFirst();
    }

    /**
     * A page of sagas matching the query, newest first, each with its progress as in
     * {@link #find(UUID, Triage)}, and how many match in all.
     */
    public SagaPage list(SagaQuery query, Triage triage) {
        var filter = Filter.of(query, triage, stuck, pendingKind);
        long total = jdbc.queryForObject(count + filter.where(), Long.class, filter.arguments().toArray());
        var pageArguments = new ArrayList<>(filter.arguments());
        pageArguments.add(query.size());
        pageArguments.add((long) query.page() * query.size());
        pageArguments.addAll(triage.stuckArguments());
        var sagas = jdbc.query(triage(filter.where() + PAGE), triage::view, pageArguments.toArray());
        return new SagaPage(sagas, query.page(), query.size(), total);
    }

    private String triage(String choice) {
        return TRIAGE.formatted(schema, choice, STUCK, HISTORY.formatted(schema));
    }

    /**
     * How the triage view judges where sagas stand.
     *
     * @param now the time it judges at
     * @param stuckAfter how long an unclaimed saga may be due before it counts as stuck
     * @param maxAttempts the attempts a saga's step may make in all, by saga and step name, or
     *     {@code null} for a step it does not know
     */
    public record Triage(Instant now, Duration stuckAfter,
            BiFunction<String, String, @Nullable Integer> maxAttempts) {

        /** The two parameters of {@link #STUCK}. */
        List<Object> stuckArguments() {
            return List.of(SqlSupport.timestamp(now), SqlSupport.timestamp(now.minus(stuckAfter)));
        }

        /** A row of {@link #TRIAGE}: the saga with its progress. */
        SagaView view(ResultSet rs, int row) throws SQLException {
            var dueAt = SqlSupport.instant(rs, "outbox_due_at");
            if (dueAt == null) {
                return saga(rs, null); // finished: no outbox row, nothing in progress
            }
            SagaView.Pending pending = null;
            var pendingKind = rs.getString("pending_kind");
            if (pendingKind != null) {
                var kind = StepKind.valueOf(pendingKind);
                var name = rs.getString("pending_name");
                pending = new SagaView.Pending(rs.getInt("pending_seq"), pendingKind, name,
                        StepStatus.RETRYING.viewName(kind), SqlSupport.instant(rs, "pending_since"),
                        SqlSupport.instant(rs, "pending_until"), rs.getInt("pending_attempts"),
                        kind.waits() ? null : maxAttempts.apply(rs.getString("name"), name));
            }
            return saga(rs, new SagaView.Progress(rs.getString("claimed_by"), dueAt, rs.getInt("recoveries"),
                    rs.getBoolean("stuck"), pending));
        }
    }

    /** How many instances there are of each name, by status. */
    public Map<String, Map<SagaStatus, Long>> countByNameAndStatus() {
        var counts = new TreeMap<String, Map<SagaStatus, Long>>();
        jdbc.query(countByNameAndStatus, rs -> {
            counts.computeIfAbsent(rs.getString(1), name -> new EnumMap<>(SagaStatus.class))
                    .put(SagaStatus.valueOf(rs.getString(2)), rs.getLong(3));
        });
        return counts;
    }

    /** How many sagas wait for an operator (FAILED or PARKED). */
    public long countNeedingOperator() {
        return jdbc.queryForObject(countNeedingOperator, Long.class);
    }

    /** The sagas that replay their entry method when they next run (RUNNING, PARKED), oldest first. */
    public List<UUID> idsOfReplayingSagas() {
        return jdbc.query(replaying, (rs, n) -> rs.getObject(1, UUID.class));
    }

    /** The where clause of a {@link SagaQuery} on {@code saga_instance i}, and its arguments. */
    private record Filter(String where, List<Object> arguments) {

        static Filter of(SagaQuery query, Triage triage, String stuck, String pendingKind) {
            var where = new StringBuilder(" where true");
            var arguments = new ArrayList<Object>();
            if (query.name() != null) {
                where.append(" and i.name = ?");
                arguments.add(query.name());
            }
            if (query.status() != null) {
                where.append(" and i.status = ?");
                arguments.add(query.status().name());
            }
            if (query.businessKey() != null) {
                where.append(" and i.business_key = ?");
                arguments.add(query.businessKey());
            }
            if (query.startedFrom() != null) {
                where.append(" and i.created_at >= ?");
                arguments.add(SqlSupport.timestamp(query.startedFrom()));
            }
            if (query.startedTo() != null) {
                where.append(" and i.created_at < ?");
                arguments.add(SqlSupport.timestamp(query.startedTo()));
            }
            if (query.runningLongerThan() != null) {
                where.append(" and i.finished_at is null and i.created_at < ?");
                arguments.add(SqlSupport.timestamp(triage.now().minus(query.runningLongerThan())));
            }
            if (query.condition() == SagaQuery.Condition.STUCK) {
                where.append(" and ").append(stuck);
                arguments.addAll(triage.stuckArguments());
            } else if (query.condition() != null) {
                // only unfinished sagas: a finished one's last RETRYING row, if any, is history
                where.append(" and i.finished_at is null and ").append(pendingKind).append(" in (?, ?)");
                // a pending entry is a wait or a step between attempts (the only kinds that can be RETRYING)
                var kinds = query.condition() == SagaQuery.Condition.WAITING
                        ? List.of(StepKind.SIGNAL, StepKind.SLEEP) : List.of(StepKind.STEP, StepKind.COMPENSATION);
                kinds.forEach(kind -> arguments.add(kind.name()));
            }
            return new Filter(where.toString(), arguments);
        }
    }

    private static InstanceRecord instance(ResultSet rs, int row) throws SQLException {
        return new InstanceRecord(saga(rs, null), rs.getLong("fencing"), rs.getString("cancel_reason"),
                rs.getString("trace_context"));
    }

    /** The saga of a row of {@code saga_instance} with its history's length, and its progress if known. */
    private static SagaView saga(ResultSet rs, SagaView.@Nullable Progress progress) throws SQLException {
        return new SagaView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getInt("version"),
                rs.getString("business_key"), SagaStatus.valueOf(rs.getString("status")), rs.getString("input"),
                rs.getString("output"), rs.getString("error"), rs.getInt("run"), rs.getInt("history"),
                SqlSupport.instant(rs, "deadline_at"), SqlSupport.instant(rs, "created_at"),
                SqlSupport.instant(rs, "updated_at"), SqlSupport.instant(rs, "finished_at"),
                TraceContext.traceId(rs.getString("trace_context")), progress);
    }
}
