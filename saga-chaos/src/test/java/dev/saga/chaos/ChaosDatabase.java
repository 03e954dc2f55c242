package dev.saga.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The run's own PostgreSQL: a fixed data directory and port, so that it can be stopped and
 * started again under the running nodes, keeping its data.
 */
final class ChaosDatabase implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    ChaosDatabase(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        this.port = freePort();
    }

    synchronized void start() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false) // so that a restart finds the data (deleted before the first start)
                    .setPort(port)
                    .setServerConfig("max_connections", "200")
                    .setRegisterShutdownHook(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL on port " + port + " in " + dataDirectory, e);
        }
    }

    /** Stops the server (pg_ctl stop -m fast): every connection of every node breaks. */
    synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                server = null;
            }
        }
    }

    int port() {
        return port;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    static void deleteDirectory(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
