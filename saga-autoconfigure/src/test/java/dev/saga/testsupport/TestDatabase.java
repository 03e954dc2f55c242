package dev.saga.testsupport;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Real PostgreSQL for tests: one server per test JVM, a fresh database per engine scenario so
 * that tests never see each other's rows. By default an embedded server started on first use;
 * when {@code SAGA_TEST_JDBC_URL} is set (with {@code SAGA_TEST_JDBC_USER} and
 * {@code SAGA_TEST_JDBC_PASSWORD}), that server instead, where the databases are created too.
 */
public final class TestDatabase {

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]+/)([^?]*)(\\?.*)?");
    private static final List<String> created = new ArrayList<>();
    private static String adminUrl;
    private static String user;
    private static String password;

    private TestDatabase() {
    }

    /** A JDBC URL of a new, empty database. */
    public static synchronized String freshDatabase() {
        start();
        String name = "saga_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password)) {
            connection.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database on " + adminUrl, e);
        }
        created.add(name);
        var matcher = URL.matcher(adminUrl);
        if (!matcher.matches()) {
            throw new IllegalStateException("Not a PostgreSQL JDBC URL: " + adminUrl);
        }
        return matcher.group(1) + name + (matcher.group(3) == null ? "" : matcher.group(3));
    }

    public static synchronized String user() {
        start();
        return user;
    }

    public static synchronized String password() {
        start();
        return password;
    }

    /** Whether the tests run against an external server (SAGA_TEST_JDBC_URL). */
    public static boolean external() {
        return System.getenv("SAGA_TEST_JDBC_URL") != null && !System.getenv("SAGA_TEST_JDBC_URL").isBlank();
    }

    private static void start() {
        if (adminUrl != null) {
            return;
        }
        if (external()) {
            adminUrl = System.getenv("SAGA_TEST_JDBC_URL");
            user = envOr("SAGA_TEST_JDBC_USER", "postgres");
            password = envOr("SAGA_TEST_JDBC_PASSWORD", "");
        } else {
            try {
                var server = EmbeddedPostgres.builder().start();
                adminUrl = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
                user = "postgres";
                password = "postgres";
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (IOException ignored) {
                        // the JVM ends anyway
                    }
                }));
                return;
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start embedded PostgreSQL", e);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated));
    }

    /** On an external server, the test databases are dropped when the JVM ends. */
    private static synchronized void dropCreated() {
        try (Connection connection = DriverManager.getConnection(adminUrl, user, password)) {
            for (String name : created) {
                connection.createStatement().execute("drop database if exists " + name + " with (force)");
            }
        } catch (SQLException e) {
            System.err.println("Could not drop test databases: " + e.getMessage());
        }
    }

    private static String envOr(String name, String fallback) {
        var value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
