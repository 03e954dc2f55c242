package dev.saga.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One application node in its own JVM. Each start is a new incarnation with its own node id
 * ({@code node-<slot>.<incarnation>}) and log file; the port stays the same.
 */
final class ChaosNode {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int slot;
    private final int port;
    private final String classPath;
    private final Path logDirectory;
    private int incarnation;
    private Process process;
    private volatile boolean ready;

    ChaosNode(int slot, String classPath, Path logDirectory) {
        this.slot = slot;
        this.classPath = classPath;
        this.logDirectory = logDirectory;
        this.port = freePort();
    }

    synchronized void start(String jdbcUrl, double failureRate) {
        incarnation++;
        ready = false;
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=1",
                "-cp", classPath, ChaosApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--saga.dispatcher.node-id=" + nodeId(),
                "--chaos.failure-rate=" + failureRate);
        try {
            process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(logFile().toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + nodeId(), e);
        }
    }

    /** Kills the JVM with SIGKILL and waits until it is gone; returns its exit code (137 for SIGKILL). */
    synchronized int kill() throws InterruptedException {
        ready = false;
        process.destroyForcibly(); // SIGKILL on Linux
        return process.waitFor();
    }

    synchronized String nodeId() {
        return "node-" + slot + "." + incarnation;
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    /** Started, and not running any more (killed ones are started again at once, so: died on its own). */
    synchronized boolean died() {
        return process != null && !process.isAlive();
    }

    synchronized int exitCode() {
        return process.exitValue();
    }

    /** Whether the node answers HTTP (its context, and so its dispatcher, has started). */
    boolean ready() {
        if (ready) {
            return true;
        }
        try {
            ready = alive() && get("/chaos/ping").statusCode() == 200;
        } catch (IOException e) {
            ready = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ready;
    }

    HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    synchronized Path logFile() {
        return logDirectory.resolve(nodeId() + ".log");
    }

    /** The last lines of this incarnation's log. */
    String tail(int lines) {
        try {
            var all = Files.readAllLines(logFile());
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    synchronized void destroy() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
