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
 * ({@code node-<slot>.<incarnation>}), log file and port: the old port may meanwhile serve as the
 * local end of some outgoing connection (it lies in the ephemeral range), so it is not reused.
 */
final class ChaosNode {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int slot;
    private volatile int port;
    private final String classPath;
    private final Path logDirectory;
    private final List<String> options;
    private int incarnation;
    private Path archive;
    private Process process;
    private volatile boolean ready;

    /**
     * @param options the application's arguments for every incarnation ({@code --chaos.failure-rate=0.15}, ...)
     */
    ChaosNode(int slot, String classPath, Path logDirectory, List<String> options) {
        this.slot = slot;
        this.classPath = classPath;
        this.logDirectory = logDirectory;
        this.options = List.copyOf(options);
    }

    int slot() {
        return slot;
    }

    /**
     * Starts the application once up to its refreshed context and lets it exit
     * ({@code spring.context.exit=onRefresh}): this migrates the database and writes a class-data
     * archive that later starts ({@link #useArchive}) map instead of loading every class again,
     * which halves a node's start on a busy machine.
     */
    static void train(ChaosNode node, String jdbcUrl, Path archive) throws InterruptedException, IOException {
        Files.deleteIfExists(archive);
        var log = node.logDirectory.resolve("training.log");
        var command = new ArrayList<String>(List.of(java(), "-XX:ArchiveClassesAtExit=" + archive,
                "-Dspring.context.exit=onRefresh"));
        command.addAll(node.arguments(jdbcUrl, 0, "cds-training", List.of("--chaos.failure-rate=0.0")));
        var training = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!training.waitFor(3, java.util.concurrent.TimeUnit.MINUTES) || training.exitValue() != 0
                || !Files.exists(archive)) {
            training.destroyForcibly();
            throw new IllegalStateException("The training start failed, see " + log);
        }
    }

    synchronized void useArchive(Path archive) {
        this.archive = archive;
    }

    synchronized void start(String jdbcUrl) {
        incarnation++;
        ready = false;
        port = freePort();
        var command = new ArrayList<String>(List.of(java()));
        if (archive != null) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(arguments(jdbcUrl, port, nodeId(), options));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logFile().toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + nodeId(), e);
        }
    }

    private List<String> arguments(String jdbcUrl, int port, String nodeId, List<String> options) {
        var arguments = new ArrayList<>(List.of("-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ActiveProcessorCount=1", "-cp", classPath, ChaosApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--saga.dispatcher.node-id=" + nodeId));
        arguments.addAll(options);
        return arguments;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
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
