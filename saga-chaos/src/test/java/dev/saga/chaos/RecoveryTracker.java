package dev.saga.chaos;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Measures how long the sagas a disruption interrupted take to resume, from the database.
 *
 * <p>When a node is killed (or the database stops), the sagas it held are the outbox rows
 * {@code claimed_by} it, with their {@code claims} count. Such a saga has <em>resumed</em> once
 * another claim was made on it ({@code claims} grew) or it finished (its outbox row is gone). The
 * recovery time of a disruption is from the kill (or from the database being back) until the
 * last of its sagas resumed.
 */
final class RecoveryTracker {

    /** One disruption being watched: the sagas still to resume, and their claim counts then. */
    private record Watch(String label, long startNanos, int sagas, Map<UUID, Integer> pending) {
    }

    /** A disruption whose sagas all resumed. */
    record Recovery(String label, int sagas, long millis) {
    }

    private final ChaosDatabase database;
    private final List<Watch> open = new ArrayList<>();
    private final List<Recovery> done = new ArrayList<>();

    RecoveryTracker(ChaosDatabase database) {
        this.database = database;
    }

    /** The sagas the node holds now, with their claim counts (call right after it died). */
    Map<UUID, Integer> heldBy(String nodeId) throws SQLException {
        return claims("select saga_id, claims from saga.saga_outbox where claimed_by = '" + nodeId.replace("'", "")
                + "'");
    }

    /** Every claimed saga, with its claim count (call right before the database stops). */
    Map<UUID, Integer> allClaimed() throws SQLException {
        return claims("select saga_id, claims from saga.saga_outbox where claimed_by is not null");
    }

    synchronized void watch(String label, long startNanos, Map<UUID, Integer> held) {
        if (held.isEmpty()) {
            done.add(new Recovery(label, 0, 0));
        } else {
            open.add(new Watch(label, startNanos, held.size(), new HashMap<>(held)));
        }
    }

    /** Looks once which watched sagas resumed; tolerates a database that is down. */
    synchronized void poll() {
        if (open.isEmpty()) {
            return;
        }
        try (var connection = database.connect();
                var statement = connection.prepareStatement(
                        "select saga_id, claims from saga.saga_outbox where saga_id = any(?)")) {
            for (var iterator = open.iterator(); iterator.hasNext();) {
                var watch = iterator.next();
                statement.setArray(1, connection.createArrayOf("uuid", watch.pending().keySet().toArray()));
                var now = new HashMap<UUID, Integer>();
                try (var rows = statement.executeQuery()) {
                    while (rows.next()) {
                        now.put(rows.getObject(1, UUID.class), rows.getInt(2));
                    }
                }
                watch.pending().entrySet().removeIf(held -> !now.containsKey(held.getKey())
                        || now.get(held.getKey()) > held.getValue());
                if (watch.pending().isEmpty()) {
                    iterator.remove();
                    done.add(new Recovery(watch.label(), watch.sagas(), (System.nanoTime() - watch.startNanos()) / 1_000_000));
                }
            }
        } catch (SQLException databaseDown) {
            // looked at again on the next poll
        }
    }

    synchronized boolean allResumed() {
        return open.isEmpty();
    }

    synchronized List<Recovery> recoveries() {
        return List.copyOf(done);
    }

    synchronized List<String> unresolved() {
        return open.stream().map(watch -> watch.label() + " (" + watch.pending().size() + " sagas not resumed)").toList();
    }

    private Map<UUID, Integer> claims(String sql) throws SQLException {
        var held = new HashMap<UUID, Integer>();
        try (var connection = database.connect(); var rows = connection.createStatement().executeQuery(sql)) {
            while (rows.next()) {
                held.put(rows.getObject(1, UUID.class), rows.getInt(2));
            }
        }
        return held;
    }
}
