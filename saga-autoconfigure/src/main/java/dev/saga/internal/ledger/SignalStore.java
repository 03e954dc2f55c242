package dev.saga.internal.ledger;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Signals sent to sagas ({@code saga_signal}). A signal is kept until a wait of its name consumes
 * it, oldest first, so a signal that arrives before the saga waits is not lost, and one signal is
 * consumed by one wait only.
 */
public final class SignalStore {

    private static final String ADD = """
            insert into %1$s.saga_signal (saga_id, name, payload, received_at) values (?, ?, ?::jsonb, ?)""";

    private static final String OLDEST_PENDING = """
            select id, payload from %1$s.saga_signal where saga_id = ? and name = ?
                and consumed_seq is null order by id limit 1""";

    private static final String CONSUME = """
            update %1$s.saga_signal set consumed_seq = ? where id = ? and consumed_seq is null""";

    private static final String FORGET_CONSUMED = """
            delete from %1$s.saga_signal where saga_id = ? and consumed_seq is not null""";

    private final JdbcTemplate jdbc;
    private final String add;
    private final String oldestPending;
    private final String consume;
    private final String forgetConsumed;

    public SignalStore(JdbcTemplate jdbc, String schema) {
        this.jdbc = jdbc;
        var checked = SqlSupport.schema(schema);
        this.add = ADD.formatted(checked);
        this.oldestPending = OLDEST_PENDING.formatted(checked);
        this.consume = CONSUME.formatted(checked);
        this.forgetConsumed = FORGET_CONSUMED.formatted(checked);
    }

    /** A signal not yet consumed: its row id and payload as JSON. */
    public record PendingSignal(long id, @Nullable String payload) {
    }

    public void add(UUID sagaId, String name, @Nullable String payloadJson, Instant receivedAt) {
        jdbc.update(add, sagaId, name, payloadJson, SqlSupport.timestamp(receivedAt));
    }

    /** The oldest signal of that name no wait has consumed yet. */
    public Optional<PendingSignal> oldestPending(UUID sagaId, String name) {
        return jdbc.query(oldestPending, (rs, n) -> new PendingSignal(rs.getLong(1), rs.getString(2)), sagaId, name)
                .stream().findFirst();
    }

    /** Marks the signal consumed by the wait at {@code seq}; false if another wait got it first. */
    public boolean consume(long signalId, int seq) {
        return jdbc.update(consume, seq, signalId) == 1;
    }

    /** Forgets consumed signals: their waits belong to a history that continue-as-new ended. */
    public void forgetConsumed(UUID sagaId) {
        jdbc.update(forgetConsumed, sagaId);
    }
}
