package dev.saga.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL server every case runs against: the configured one, or an embedded one when
 * none answers. Administrative queries go to the {@code postgres} database over a connection of
 * their own, so they never count in a case database's commits.
 */
public final class Postgres implements AutoCloseable {

    private final String server;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;
    private final Connection admin;

    private Postgres(String server, String user, String password, EmbeddedPostgres embedded) throws SQLException {
        this.server = server;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
        this.admin = DriverManager.getConnection(url("postgres"), user, password);
    }

    /** Connects to the configured server, or starts an embedded one if it does not answer. */
    public static Postgres connect(BenchSettings settings) throws SQLException, IOException {
        try {
            return new Postgres(settings.server(), settings.user(), settings.password(), null);
        } catch (SQLException unreachable) {
            System.out.println("# no PostgreSQL at " + settings.server() + " (" + unreachable.getMessage()
                    + "); starting an embedded one");
            var embedded = EmbeddedPostgres.builder().start();
            return new Postgres("127.0.0.1:" + embedded.getPort(), "postgres", "", embedded);
        }
    }

    public String url(String database) {
        return "jdbc:postgresql://" + server + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String version() throws SQLException {
        return queryString("show server_version");
    }

    /** Creates the database unless it exists. */
    public void ensureDatabase(String name) throws SQLException {
        if (queryLong("select count(*) from pg_database where datname = ?", name) == 0) {
            try (var statement = admin.createStatement()) {
                statement.execute("create database " + name);
            }
        }
    }

    /** Runs statements in the given database on a short-lived connection of its own. */
    public void execute(String database, String... statements) throws SQLException {
        try (var connection = DriverManager.getConnection(url(database), user, password);
                var statement = connection.createStatement()) {
            for (var sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** A count from the given database, on a short-lived connection of its own. */
    public long count(String database, String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(url(database), user, password);
                var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /**
     * Waits until the count query on the database returns at least {@code expected}, asking every
     * 100 ms over one connection.
     *
     * @throws IllegalStateException if it has not within the timeout
     */
    public void awaitCount(String database, String sql, long expected, java.time.Duration timeout)
            throws SQLException, InterruptedException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        try (var connection = DriverManager.getConnection(url(database), user, password);
                var statement = connection.createStatement()) {
            while (true) {
                long count;
                try (var rows = statement.executeQuery(sql)) {
                    rows.next();
                    count = rows.getLong(1);
                }
                if (count >= expected) {
                    return;
                }
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("Only " + count + " of " + expected + " after " + timeout
                            + ": " + sql);
                }
                Thread.sleep(100);
            }
        }
    }

    /** Commits of the database as the statistics system has them now (not cached). */
    public long commits(String database) throws SQLException {
        try (var statement = admin.createStatement()) {
            statement.execute("select pg_stat_clear_snapshot()");
        }
        return queryLong("select xact_commit from pg_stat_database where datname = ?", database);
    }

    /** How many backends are connected to the database. */
    public long connections(String database) throws SQLException {
        return queryLong("select count(*) from pg_stat_activity where datname = ?", database);
    }

    /**
     * The server processes whose CPU a case is charged with: the backends connected to its
     * database and the server's own background processes (WAL writer, checkpointer, ...).
     */
    public List<Integer> serverPids(String database) throws SQLException {
        var pids = new ArrayList<Integer>();
        try (var statement = admin.prepareStatement("select pid from pg_stat_activity where datname = ?"
                + " or (backend_type <> 'client backend' and datname is null)")) {
            statement.setString(1, database);
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getInt(1));
                }
            }
        }
        return pids;
    }

    private long queryLong(String sql, String parameter) throws SQLException {
        try (var statement = admin.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (var rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private String queryString(String sql) throws SQLException {
        try (var statement = admin.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    @Override
    public void close() throws SQLException, IOException {
        admin.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
