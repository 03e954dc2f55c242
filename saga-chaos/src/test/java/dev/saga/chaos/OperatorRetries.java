package dev.saga.chaos;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operator: retries every FAILED saga (a {@code recall} saga whose release got stuck) at about
 * the moment retention may delete it, so that retries race the deletes. Each retry is aimed at
 * the saga's retention boundary ({@code finished_at + saga.retention.failed}), give or take up to
 * one retention interval, and holds its transaction {@code chaos.retryHoldFor} (longer than an
 * interval), so that a delete that finds the saga still FAILED runs into the retry's lock.
 */
final class OperatorRetries {

    private static final String FAILED = "select id, finished_at::text,"
            + " (extract(epoch from clock_timestamp() - finished_at) * 1000)::bigint"
            + " from saga.saga_instance where status = 'FAILED'";

    private final ChaosDatabase database;
    private final ChaosSettings settings;
    private final NodeRequests nodes;
    private final ScheduledExecutorService executor;
    private final Random random = new Random();
    /** Each time a saga failed (id and finished_at) is retried once. */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Set<UUID> retried = ConcurrentHashMap.newKeySet();
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger tooLate = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    /** Used by {@link #poll()} only, which runs on one thread at a time (a fixed-delay schedule). */
    private volatile java.sql.Connection connection;

    OperatorRetries(ChaosDatabase database, ChaosSettings settings, NodeRequests nodes,
            ScheduledExecutorService executor) {
        this.database = database;
        this.settings = settings;
        this.nodes = nodes;
        this.executor = executor;
    }

    /** Looks once for sagas that failed since the last look; tolerates a database that is down. */
    void poll() {
        try (var rows = connection().createStatement().executeQuery(FAILED)) {
            while (rows.next()) {
                var id = rows.getObject(1, UUID.class);
                if (seen.add(id + "@" + rows.getString(2))) {
                    long interval = settings.retentionInterval().toMillis();
                    long aim = settings.failedRetention().toMillis() - rows.getLong(3)
                            + (long) (interval * (random.nextDouble() * 1.5 - 1)); // -1 to +1/2 interval
                    pending.incrementAndGet();
                    executor.schedule(() -> retry(id), Math.max(0, aim), TimeUnit.MILLISECONDS);
                }
            }
        } catch (SQLException databaseDown) {
            closeConnection(); // looked at again on the next poll, with a new connection
        }
    }

    /** One connection for the polls (ten a second: a new one each time would cost the database a process each). */
    private java.sql.Connection connection() throws SQLException {
        if (connection == null) {
            connection = database.connect();
        }
        return connection;
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // it is broken anyway
        } finally {
            connection = null;
        }
    }

    /** Closes the polls' connection (call when the run ends). */
    void close() {
        closeConnection();
    }

    private void retry(UUID id) {
        try {
            var answer = nodes.send("/chaos/retry?id=" + id + "&holdMillis=" + settings.retryHoldFor().toMillis());
            if (answer.contains("\"gone\"")) {
                tooLate.incrementAndGet(); // retention deleted it first, as it may
            } else { // retried, or not FAILED any more: an earlier request whose answer was lost retried it
                retries.incrementAndGet();
                retried.add(id);
            }
        } catch (IllegalStateException | InterruptedException e) {
            problems.add("retry of " + id + ": " + e.getMessage());
        } finally {
            pending.decrementAndGet();
        }
    }

    /** No retry scheduled or under way. */
    boolean idle() {
        return pending.get() == 0;
    }

    /** Retries that took effect. */
    int retries() {
        return retries.get();
    }

    /** Retries that found the saga deleted by retention. */
    int tooLate() {
        return tooLate.get();
    }

    Set<UUID> retried() {
        return Set.copyOf(retried);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }
}
