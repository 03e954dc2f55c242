package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaView;

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
            select i.*, (select count(*) from %1$s.saga_step s where s.saga_id = i.id) as history
                from %1$s.saga_instance i""";

    private static final String COUNT = """
            select count(*) from %1$s.saga_instance i""";

    /** Follows {@link #WITH_HISTORY} and a {@link Filter}: newest first, one page. */
    private static final String PAGE = " order by i.created_at desc, i.id limit ? offset ?";

    /** Follows {@link #WITH_HISTORY}. */
    private static final String BY_ID = " where i.id = ?";

    private static final String ID_BY_BUSINESS_KEY = """
            select id from %1$s.saga_instance where name = ? and business_key = ?""";

    private static final String COUNT_BY_NAME_AND_STATUS = """
            select name, status, count(*) from %1$s.saga_instance group by name, status""";

    private static final String COUNT_NEEDING_OPERATOR = """
            select count(*) from %1$s.saga_instance where status in ('FAILED', 'PARKED')""";

    private final JdbcTemplate jdbc;
    private final String withHistory;
    private final String count;
    private final String idByBusinessKey;
    private final String countByNameAndStatus;
    private final String countNeedingOperator;

    public InstanceQueries(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.withHistory = WITH_HISTORY.formatted(checked);
        this.count = COUNT.formatted(checked);
        this.idByBusinessKey = ID_BY_BUSINESS_KEY.formatted(checked);
        this.countByNameAndStatus = COUNT_BY_NAME_AND_STATUS.formatted(checked);
        this.countNeedingOperator = COUNT_NEEDING_OPERATOR.formatted(checked);
    }

    public Optional<InstanceRecord> findInstance(UUID id) {
        return jdbc.query(withHistory + BY_ID, InstanceQueries::instance, id).stream().findFirst();
    }

    public Optional<UUID> findIdByBusinessKey(String name, String businessKey) {
        return jdbc.query(idByBusinessKey, (rs, n) -> rs.getObject(1, UUID.class), name, businessKey).stream()
                .findFirst();
    }

    /** A page of instances matching the query, newest first, and how many match in all. */
    public SagaPage list(SagaQuery query) {
        var filter = Filter.of(query);
        long total = jdbc.queryForObject(count + filter.where(), Long.class, filter.arguments().toArray());
        var pageArguments = new ArrayList<>(filter.arguments());
        pageArguments.add(query.size());
        pageArguments.add((long) query.page() * query.size());
        var sagas = jdbc.query(withHistory + filter.where() + PAGE, InstanceQueries::instance, pageArguments.toArray());
        return new SagaPage(sagas.stream().map(InstanceRecord::saga).toList(), query.page(), query.size(), total);
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

    /** The where clause of a {@link SagaQuery} on {@code saga_instance i}, and its arguments. */
    private record Filter(String where, List<Object> arguments) {

        static Filter of(SagaQuery query) {
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
            return new Filter(where.toString(), arguments);
        }
    }

    private static InstanceRecord instance(ResultSet rs, int row) throws SQLException {
        var saga = new SagaView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getInt("version"),
                rs.getString("business_key"), SagaStatus.valueOf(rs.getString("status")), rs.getString("input"),
                rs.getString("output"), rs.getString("error"), rs.getInt("run"), rs.getInt("history"),
                SqlSupport.instant(rs, "deadline_at"), SqlSupport.instant(rs, "created_at"),
                SqlSupport.instant(rs, "updated_at"), SqlSupport.instant(rs, "finished_at"));
        return new InstanceRecord(saga, rs.getLong("fencing"), rs.getString("cancel_reason"));
    }
}
