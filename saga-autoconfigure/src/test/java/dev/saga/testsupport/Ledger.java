package dev.saga.testsupport;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaStatus;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;

/**
 * What the engine wrote, read the way scenario tests assert it: a saga's ledger rows in order, its
 * instance's counters, its outbox row and its signals, and counts over all sagas. The tables'
 * layout lives here and in the engine's stores only; tests that corrupt, hold or probe rows on
 * purpose keep their own SQL.
 *
 * <pre>{@code
 * var ledger = Ledger.of(node);
 * assertThat(ledger.steps(id)).extracting(StepRecord::name, StepRecord::status).containsExactly(...);
 * assertThat(ledger.instance(id).fencing()).as("claimed once").isEqualTo(1);
 * assertThat(ledger.outbox(id)).as("finished work leaves the outbox").isEmpty();
 * }</pre>
 */
public final class Ledger {

    /** The engine's tables, in the order their row counts are listed. */
    public static final List<String> TABLES = List.of("saga_instance", "saga_step", "saga_signal", "saga_outbox");

    private static final String INSTANCE = """
            select status, run, fencing, wakeups, cancel_reason, business_key from %1$s.saga_instance where id = ?""";

    private static final String OUTBOX = """
            select claimed_by, due_at, claims, recoveries from %1$s.saga_outbox where saga_id = ?""";

    private static final String SIGNALS = """
            select name, payload::text, consumed_seq from %1$s.saga_signal where saga_id = ? order by id""";

    /** A wait or retry open, and the saga's work back in the outbox with no node holding it. */
    private static final String SUSPENDED = """
            select count(*) from %1$s.saga_step s join %1$s.saga_outbox o on o.saga_id = s.saga_id
                where s.saga_id = ? and s.status = 'RETRYING' and o.claimed_by is null""";

    private final JdbcTemplate jdbc;
    private final StepStore steps;
    private final String schema;

    private Ledger(JdbcTemplate jdbc, StepStore steps, String schema) {
        this.jdbc = jdbc;
        this.steps = steps;
        this.schema = SqlSupport.schema(schema);
    }

    /** The ledger of the node's database, in the schema the node uses. */
    public static Ledger of(ConfigurableApplicationContext node) {
        return new Ledger(TestEngine.jdbc(node), node.getBean(StepStore.class),
                node.getEnvironment().getProperty("saga.schema", "saga"));
    }

    /** The saga's instance row: where it stands and the counters the engine keeps on it. */
    public record Instance(SagaStatus status, int run, long fencing, int wakeups, String cancelReason,
            String businessKey) {
    }

    /** The saga's row in the outbox: who holds it (null: nobody) and until when, or when it is due. */
    public record Work(String claimedBy, Instant dueAt, int claims, int recoveries) {

        public boolean claimed() {
            return claimedBy != null;
        }
    }

    /** A signal sent to the saga; {@code consumedSeq} is the wait that read it, null while pending. */
    public record Signal(String name, String payload, Integer consumedSeq) {
    }

    /** The saga's ledger rows in sequence order. */
    public List<StepRecord> steps(UUID sagaId) {
        return steps.steps(sagaId);
    }

    /** The saga's instance; fails if there is none. */
    public Instance instance(UUID sagaId) {
        return jdbc.queryForObject(INSTANCE.formatted(schema), (rs, n) -> new Instance(
                SagaStatus.valueOf(rs.getString("status")), rs.getInt("run"), rs.getLong("fencing"),
                rs.getInt("wakeups"), rs.getString("cancel_reason"), rs.getString("business_key")), sagaId);
    }

    /** The saga's outbox row; empty once it finished, or while it waits for an operator. */
    public Optional<Work> outbox(UUID sagaId) {
        return jdbc.query(OUTBOX.formatted(schema), (rs, n) -> new Work(rs.getString("claimed_by"),
                rs.getObject("due_at", OffsetDateTime.class).toInstant(), rs.getInt("claims"),
                rs.getInt("recoveries")), sagaId).stream().findFirst();
    }

    /** Whether the saga's work is in the outbox and no node holds it. */
    public boolean hasUnclaimedWork(UUID sagaId) {
        return outbox(sagaId).filter(work -> !work.claimed()).isPresent();
    }

    /** The end of the lease on the saga's work (its due time while unclaimed); fails if it has none. */
    public Instant leaseEnd(UUID sagaId) {
        return outbox(sagaId).orElseThrow(() -> new AssertionError("saga " + sagaId + " has no outbox row")).dueAt();
    }

    /** Whether exactly one entry is open (a wait or a retry) and the saga's work is unclaimed, in one read. */
    public boolean suspended(UUID sagaId) {
        return jdbc.queryForObject(SUSPENDED.formatted(schema), Integer.class, sagaId) == 1;
    }

    /** The signals sent to the saga, in the order they arrived. */
    public List<Signal> signals(UUID sagaId) {
        return jdbc.query(SIGNALS.formatted(schema), (rs, n) -> new Signal(rs.getString(1), rs.getString(2),
                rs.getObject(3, Integer.class)), sagaId);
    }

    /** How many sagas there are. */
    public long instances() {
        return count("select count(*) from %1$s.saga_instance");
    }

    /** How many sagas have that status. */
    public long instances(SagaStatus status) {
        return count("select count(*) from %1$s.saga_instance where status = ?", status.name());
    }

    /** How many sagas (of any name) have that business key. */
    public long instancesWithBusinessKey(String businessKey) {
        return count("select count(*) from %1$s.saga_instance where business_key = ?", businessKey);
    }

    /** How many sagas have work in the outbox. */
    public long outboxRows() {
        return count("select count(*) from %1$s.saga_outbox");
    }

    /** How many ledger rows of all sagas are of that kind and status. */
    public long countSteps(StepKind kind, StepStatus status) {
        return count("select count(*) from %1$s.saga_step where kind = ? and status = ?", kind.name(), status.name());
    }

    /** How many ledger rows of all sagas have that status after that many attempts. */
    public long countSteps(StepStatus status, int attempts) {
        return count("select count(*) from %1$s.saga_step where status = ? and attempts = ?", status.name(), attempts);
    }

    /** How many signals of all sagas a wait consumed. */
    public long consumedSignals() {
        return count("select count(*) from %1$s.saga_signal where consumed_seq is not null");
    }

    /** The number of rows in each of the engine's {@link #TABLES}, in that order. */
    public Map<String, Long> rowCounts() {
        var counts = new LinkedHashMap<String, Long>();
        TABLES.forEach(table -> counts.put(table, count("select count(*) from %1$s." + table)));
        return counts;
    }

    private long count(String sql, Object... arguments) {
        return jdbc.queryForObject(sql.formatted(schema), Long.class, arguments);
    }
}
