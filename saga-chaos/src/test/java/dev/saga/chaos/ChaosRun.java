package dev.saga.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One chaos run: the database, the nodes (each behind its own {@link CommitFaultProxy}), the load,
 * the kills and the restarts, the caller faults and the operator's retries, then the checks.
 * Everything it starts is stopped by {@link #destroy()}, on success, failure or JVM exit.
 */
final class ChaosRun {

    /** What the run did and found. */
    record Result(String summary, ChaosChecks checks, List<String> problems) {
    }

    private final ChaosSettings settings;
    private final ChaosDatabase database;
    private final List<ChaosNode> nodes = new ArrayList<>();
    /** One per node slot, for all its incarnations: a node's faults can be switched off while it starts. */
    private final List<CommitFaultProxy> proxies = new ArrayList<>();
    private final RecoveryTracker tracker;
    private final ScheduledExecutorService background = daemonPool("chaos-background", 4);
    /** The fault calls that block (a held transaction, a late start, a retry): they must not delay the schedule. */
    private final ScheduledExecutorService faults = daemonPool("chaos-faults", 6);
    private final CallerFaults callerFaults;
    private final OperatorRetries operatorRetries;
    private final List<ChaosChecks.Outage> outages = new CopyOnWriteArrayList<>();
    private final Random random = new Random();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextNode = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    private final Map<String, Instant> killedAt = new HashMap<>();
    private int kills;
    private int skippedKills;
    private int dbRestarts;
    private int nodeCrashes;
    private Instant databaseBackAt;
    private List<String> nodesThroughRestart = List.of();

    ChaosRun(ChaosSettings settings) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.workDir());
        Path dataDirectory = settings.workDir().resolve("pgdata");
        ChaosDatabase.deleteDirectory(dataDirectory);
        this.database = new ChaosDatabase(dataDirectory);
        this.tracker = new RecoveryTracker(database);
        Path logs = settings.workDir().resolve("logs");
        ChaosDatabase.deleteDirectory(logs);
        Files.createDirectories(logs);
        // class-data archives take jars only: the application's classes go in one
        var applicationJar = settings.workDir().resolve("saga-chaos-node.jar");
        jar(Path.of(System.getProperty("chaos.nodeClassPath")), applicationJar);
        String classPath = Files.readString(Path.of(System.getProperty("chaos.nodeClassPathFile")),
                StandardCharsets.UTF_8).strip() + java.io.File.pathSeparator + applicationJar;
        var options = List.of("--chaos.failure-rate=" + settings.failureRate(),
                "--chaos.stuck-compensations=" + settings.stuckCompensations(),
                "--chaos.slow-step-for=" + settings.slowStepFor(),
                "--saga.retention.failed=" + settings.failedRetention(),
                "--saga.retention.interval=" + settings.retentionInterval());
        for (int slot = 1; slot <= settings.nodes(); slot++) {
            nodes.add(new ChaosNode(slot, classPath, logs, options));
            proxies.add(new CommitFaultProxy("node-" + slot, "localhost", database.port(),
                    settings.ambiguousCommitRate(), logs.resolve("proxy-" + slot + ".log"), settings.proxyTrace()));
        }
        callerFaults = new CallerFaults(settings, this::send, faults);
        operatorRetries = new OperatorRetries(database, settings, this::send, faults);
    }

    Result execute() throws Exception {
        long startNanos = System.nanoTime();
        database.start();
        // a training start migrates the schemas and records a class-data archive that makes every later start
        // cheaper; then the audit triggers go in, before any node runs a saga
        var archive = settings.workDir().resolve("node.jsa");
        long trainingStart = System.nanoTime();
        ChaosNode.train(nodes.get(0), database.jdbcUrl(), archive);
        nodes.forEach(node -> node.useArchive(archive));
        log("training start done in " + seconds(trainingStart) + " s");
        installAudits();
        nodes.forEach(this::startNode);
        awaitReady(nodes, Duration.ofSeconds(180));
        log("all " + nodes.size() + " nodes ready after " + seconds(startNanos) + " s; chaos for " + settings.duration());

        background.scheduleWithFixedDelay(tracker::poll, 100, 100, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::armProxies, 0, 100, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(operatorRetries::poll, 100, 100, TimeUnit.MILLISECONDS);
        long chaosStart = System.nanoTime();
        callerFaults.scheduleHeldSignals(chaosStart);
        var load = background.submit(() -> {
            load(chaosStart);
            return null;
        });
        chaos(chaosStart);
        load.get(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
        callerFaults.awaitCalls(settings.drainTimeout());
        log("chaos over after " + kills + " kills and " + dbRestarts + " database restarts; waiting for the sagas");

        awaitReady(nodes, Duration.ofSeconds(120));
        awaitQuiescence();
        await("every interrupted saga resumed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(tracker::allResumed);
        var wedged = wedgedNodes();
        nodes.forEach(ChaosNode::destroy);
        log(resent.get() + " requests to the nodes were sent again (a node died, the database was down, or its"
                + " commit was made ambiguous)");
        proxies.forEach(proxy -> log("proxy of " + proxy.name() + ": " + proxy.sessions() + " connections, "
                + proxy.commits() + " commits, " + proxy.ambiguousCommits() + " made ambiguous, " + proxy.cutRollbacks()
                + " cut after a ROLLBACK"));

        ChaosChecks checks;
        try (var connection = database.connect()) {
            checks = ChaosChecks.run(connection, new ChaosChecks.Facts(settings.sagas(), Map.copyOf(killedAt),
                    List.copyOf(outages), operatorRetries.retried(), settings.failedRetention(),
                    callerFaults.lateKeys(), ChaosSettings.NODE_LEASE));
        }
        return new Result(summary(checks, wedged, seconds(startNanos)), checks, problems());
    }

    /** What went wrong during the run (not the checks' findings). */
    List<String> problems() {
        var all = new ArrayList<>(problems);
        all.addAll(callerFaults.problems());
        all.addAll(operatorRetries.problems());
        return List.copyOf(all);
    }

    private void startNode(ChaosNode node) {
        node.start(proxies.get(node.slot() - 1).jdbcUrl("postgres"));
    }

    /** A proxy injects faults only while its node is up: a start that failed on one would be a crash. */
    private void armProxies() {
        for (var node : nodes) {
            proxies.get(node.slot() - 1).arm(node.ready());
        }
    }

    /**
     * Starts the sagas in batches, spread over three quarters of the run, and approves each batch;
     * a few batches are started late (their approval follows their commit).
     */
    private void load(long chaosStart) throws InterruptedException {
        int batches = (settings.sagas() + settings.batch() - 1) / settings.batch();
        long spreadNanos = settings.duration().toNanos() * 3 / 4;
        for (int b = 0; b < batches; b++) {
            pauseUntil(chaosStart + spreadNanos * b / batches); // the load's pace, not a synchronisation
            int from = b * settings.batch();
            int count = Math.min(settings.batch(), settings.sagas() - from);
            if (callerFaults.startsLate(b, batches)) {
                callerFaults.startLate(from, count);
            } else {
                send("/chaos/start?from=" + from + "&count=" + count);
            }
            if ((b + 1) % 10 == 0 || b == batches - 1) {
                log("started " + (from + count) + " sagas");
            }
            // the previous batch: some of its sagas wait already, some have not got there
            if (b > 0 && !callerFaults.startsLate(b - 1, batches)) {
                send("/chaos/approve?from=" + (from - settings.batch()) + "&count=" + settings.batch());
            }
        }
        int last = (batches - 1) * settings.batch();
        if (!callerFaults.startsLate(batches - 1, batches)) {
            send("/chaos/approve?from=" + last + "&count=" + (settings.sagas() - last));
        }
    }

    /** Sends a request to some ready node, and to the next one if that fails; starts and approvals may repeat. */
    private String send(String pathAndQuery) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String lastError = "no node ready";
        while (System.nanoTime() < deadline) {
            var node = nodes.get(Math.floorMod(nextNode.getAndIncrement(), nodes.size()));
            if (node.ready()) {
                try {
                    var response = node.post(pathAndQuery);
                    // every endpoint answers JSON: an empty 200 is a request that did not happen (Spring MVC answers
                    // so when it takes an exception for its client having gone away)
                    if (response.statusCode() == 200 && !response.body().isBlank()) {
                        return response.body();
                    }
                    lastError = response.statusCode() + " " + response.body();
                    if (response.statusCode() == 200) {
                        log(node.nodeId() + " answered " + pathAndQuery + " with 200 and no body; sent again");
                    }
                } catch (IOException e) {
                    lastError = e.toString();
                }
            }
            resent.incrementAndGet();
            Thread.sleep(100); // back-off before the next node: one may be dead, or the database down
        }
        throw new IllegalStateException("No node accepted " + pathAndQuery + ": " + lastError);
    }

    /** Every killEvery one node dies by SIGKILL and starts again; the database restarts in between. */
    private void chaos(long chaosStart) throws Exception {
        long every = settings.killEvery().toNanos();
        long end = chaosStart + settings.duration().toNanos();
        long next = chaosStart;
        while (true) {
            // after a long step (waiting for the nodes before a database restart) the schedule goes on from now
            next = Math.max(next + every, System.nanoTime() + every / 2);
            // a busy machine starts nodes slowly: go on (up to three times as long) until enough kills were made
            if (next > end && (kills >= settings.minKills() || next > end + 2 * settings.duration().toNanos())) {
                break;
            }
            pauseUntil(next); // the chaos schedule itself
            restartCrashed();
            long dbRestartDue = chaosStart + settings.duration().toNanos() * (2L * dbRestarts + 1)
                    / (2L * settings.dbRestarts());
            if (dbRestarts < settings.dbRestarts() && next >= dbRestartDue) {
                restartDatabase();
            } else {
                killOne();
            }
        }
    }

    private void killOne() throws InterruptedException, SQLException {
        var ready = nodes.stream().filter(ChaosNode::ready).toList();
        if (ready.size() < 2) { // one node always runs: the others are still starting after their kills
            skippedKills++;
            return;
        }
        var victim = ready.get(random.nextInt(ready.size()));
        String id = victim.nodeId();
        long killNanos = System.nanoTime();
        int exit = victim.kill();
        if (exit != 137) {
            problems.add(id + " exited with " + exit + " when killed, not 137 (SIGKILL)");
        }
        killedAt.put(id, Instant.now());
        tracker.watch("kill of " + id, killNanos, tracker.heldBy(id));
        kills++;
        startNode(victim);
        log("killed " + id + " (exit " + exit + "), started " + victim.nodeId());
    }

    private void restartDatabase() throws Exception {
        awaitReady(nodes, Duration.ofSeconds(120)); // a node starting while the database is down would not come up
        var claimed = tracker.allClaimed();
        nodesThroughRestart = nodes.stream().map(ChaosNode::nodeId).toList();
        var stoppedAt = Instant.now();
        database.stop();
        log("database stopped with " + claimed.size() + " sagas claimed");
        pauseUntil(System.nanoTime() + settings.dbDownFor().toNanos()); // the outage itself
        database.start();
        databaseBackAt = Instant.now();
        outages.add(new ChaosChecks.Outage(stoppedAt, databaseBackAt));
        tracker.watch("database restart", System.nanoTime(), claimed);
        dbRestarts++;
        log("database started again");
    }

    /** A node that died without being killed is a finding; it is started again so the run goes on. */
    private void restartCrashed() {
        for (var node : nodes) {
            if (node.died()) {
                nodeCrashes++;
                problems.add(node.nodeId() + " died on its own (exit " + node.exitCode() + "):\n" + node.tail(40));
                if (nodeCrashes > 3) {
                    throw new IllegalStateException("Nodes keep dying on their own: " + problems);
                }
                startNode(node);
            }
        }
    }

    private void awaitReady(List<ChaosNode> which, Duration within) {
        await("nodes ready").atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
            restartCrashed();
            return which.stream().allMatch(ChaosNode::ready);
        });
    }

    /** Every saga started (or deleted by retention), none running, none FAILED and waiting for the operator. */
    private void awaitQuiescence() {
        try {
            await("every saga finished").atMost(settings.drainTimeout()).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        restartCrashed();
                        try (var connection = database.connect(); var rows = connection.createStatement().executeQuery(
                                "select count(*) + (select count(*) from public.chaos_deleted),"
                                        + " count(*) filter (where status in ('RUNNING', 'COMPENSATING', 'FAILED'))"
                                        + " from saga.saga_instance")) {
                            rows.next();
                            return rows.getLong(1) >= settings.sagas() && rows.getLong(2) == 0
                                    && operatorRetries.idle();
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException timeout) {
            problems.add("not every saga finished within " + settings.drainTimeout() + ": " + unfinished());
            throw timeout;
        }
    }

    private String unfinished() {
        try (var connection = database.connect(); var rows = connection.createStatement().executeQuery(
                "select i.name, i.status, count(*), min(o.due_at), string_agg(distinct o.claimed_by, ',')"
                        + " from saga.saga_instance i left join saga.saga_outbox o on o.saga_id = i.id"
                        + " where i.status in ('RUNNING', 'COMPENSATING', 'FAILED') group by 1, 2")) {
            var out = new StringBuilder();
            while (rows.next()) {
                out.append(String.format("%n  %s %s: %d (oldest due %s, claimed by %s)", rows.getString(1),
                        rows.getString(2), rows.getLong(3), rows.getString(4), rows.getString(5)));
            }
            return out.toString();
        } catch (SQLException e) {
            return "(database unreachable: " + e.getMessage() + ")";
        }
    }

    /**
     * Nodes that lived through the database restart (and at least 10 s after it) but recorded no
     * step after it: their dispatcher or workers did not recover.
     */
    private long wedgedNodes() throws SQLException {
        if (databaseBackAt == null) {
            return 0;
        }
        long wedged = 0;
        try (var connection = database.connect(); var statement = connection.prepareStatement(
                "select count(*) from saga.saga_step where node_id = ? and coalesce(finished_at, started_at) > ?")) {
            for (String id : nodesThroughRestart) {
                var killed = killedAt.get(id);
                if (killed != null && killed.isBefore(databaseBackAt.plusSeconds(10))) {
                    continue; // not alive long enough after the restart to tell
                }
                statement.setString(1, id);
                statement.setObject(2, java.sql.Timestamp.from(databaseBackAt));
                try (var rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 0) {
                        wedged++;
                        problems.add(id + " recorded nothing after the database came back");
                    }
                }
            }
        }
        return wedged;
    }

    private String summary(ChaosChecks checks, long wedged, long durationSeconds) {
        var recoveries = tracker.recoveries();
        long maxKillRecovery = recoveries.stream().filter(r -> r.label().startsWith("kill"))
                .mapToLong(RecoveryTracker.Recovery::millis).max().orElse(0);
        long dbRecovery = recoveries.stream().filter(r -> r.label().startsWith("database"))
                .mapToLong(RecoveryTracker.Recovery::millis).max().orElse(0);
        int heldAtKills = recoveries.stream().filter(r -> r.label().startsWith("kill"))
                .mapToInt(RecoveryTracker.Recovery::sagas).sum();
        return "CHAOS sagas=" + settings.sagas() + " completed=" + checks.count("completed")
                + " compensated=" + checks.count("compensated") + " parked=" + checks.count("parked")
                + " failed=" + checks.count("failed") + " kills=" + kills + " db_restarts=" + dbRestarts
                + " ambiguous_commits=" + ambiguousCommits()
                + " held_transactions=" + callerFaults.heldTransactions() + " held_next_to_slow_step="
                + callerFaults.heldNextToSlowStep()
                + " late_starts=" + callerFaults.lateStarts() + " retries=" + operatorRetries.retries()
                + " retries_too_late=" + operatorRetries.tooLate()
                + " lost=" + checks.count("lost") + " lost_to_retention=" + checks.count("lost_to_retention")
                + " retried_lost=" + checks.count("retried_lost") + " vanished=" + checks.count("vanished")
                + " unexpected_status=" + checks.count("unexpected_status")
                + " duplicated_effects=" + checks.count("duplicated_effects")
                + " lost_effects=" + checks.count("lost_effects")
                + " idempotency_violations=" + checks.count("idempotency_violations")
                + " order_violations=" + checks.count("order_violations")
                + " fenced_writes=" + checks.count("fenced_writes") + " node_crashes=" + nodeCrashes
                + " wedged_nodes=" + wedged + " sagas_held_at_kills=" + heldAtKills
                + " external_repeats=" + checks.count("external_repeats") + " claims=" + checks.count("claims")
                + " takeovers=" + checks.count("takeovers") + " live_takeovers=" + checks.count("live_takeovers")
                + " late_start_takeovers=" + checks.count("late_start_takeovers")
                + " lapsed_leases=" + checks.count("lapsed_leases")
                + " late_start_lapses=" + checks.count("late_start_lapses")
                + " skipped_kills=" + skippedKills + " max_recovery_ms=" + maxKillRecovery + " db_recovery_ms=" + dbRecovery
                + " proxied_commits=" + proxies.stream().mapToInt(CommitFaultProxy::commits).sum()
                + " duration_s=" + durationSeconds;
    }

    int kills() {
        return kills;
    }

    int ambiguousCommits() {
        return proxies.stream().mapToInt(CommitFaultProxy::ambiguousCommits).sum();
    }

    int heldTransactions() {
        return callerFaults.heldTransactions();
    }

    int lateStarts() {
        return callerFaults.lateStarts();
    }

    int retries() {
        return operatorRetries.retries();
    }

    int dbRestarts() {
        return dbRestarts;
    }

    /** The last log lines of every node, for a failure report. */
    String nodeLogTails() {
        var out = new StringBuilder();
        for (var node : nodes) {
            out.append(String.format("%n----- %s (%s) -----%n%s", node.nodeId(), node.logFile(), node.tail(30)));
        }
        return out.toString();
    }

    private void installAudits() throws IOException, SQLException {
        for (var script : List.of("/fence-audit.sql", "/fault-audit.sql")) {
            try (var in = getClass().getResourceAsStream(script); var connection = database.connect()) {
                connection.createStatement().execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Kills every node and stops the database; safe to call twice and from a shutdown hook. */
    synchronized void destroy() {
        background.shutdownNow();
        faults.shutdownNow();
        operatorRetries.close();
        nodes.forEach(ChaosNode::destroy);
        proxies.forEach(CommitFaultProxy::close);
        try {
            database.stop();
        } catch (RuntimeException e) {
            System.err.println("Could not stop the chaos database: " + e.getMessage());
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(classes)) {
            for (Path path : files.filter(path -> !path.equals(classes)).sorted().toList()) {
                String name = classes.relativize(path).toString().replace('\\', '/');
                // directory entries too: component scanning finds nothing in a jar without them
                out.putNextEntry(new java.util.jar.JarEntry(Files.isDirectory(path) ? name + "/" : name));
                if (Files.isRegularFile(path)) {
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
    }

    private static ScheduledExecutorService daemonPool(String name, int threads) {
        return Executors.newScheduledThreadPool(threads, runnable -> {
            var thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private static void pauseUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000;
    }

    static void log(String message) {
        System.out.println("[chaos " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
