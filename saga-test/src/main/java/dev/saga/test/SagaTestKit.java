package dev.saga.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.ReplayResult;
import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.autoconfigure.SagaProperties;
import dev.saga.internal.dispatch.SagaDispatcher;

/**
 * What a {@link SagaTest} test does to the engine: move its clock forward ({@link #advance}), stub
 * steps ({@link #stub}), crash the node in a step ({@link #crashAt}) and start a fresh one
 * ({@link #restartNode}), record a saga's history and replay recorded ones against today's code
 * ({@link #assertReplays}). Inject it ({@code @Autowired SagaTestKit sagas}). The engine's clock
 * stands still unless the test moves it: a retry backoff, a timer or a signal timeout waits for
 * {@link #advance}. Everything set here is undone around each test: the clock starts at the
 * system time, stubs and crashes are gone, and sagas a test left unfinished are deleted after it,
 * so that tests pass in any order.
 */
public final class SagaTestKit {

    /** How long {@link #advance} waits for woken sagas to become quiet before it fails the test. */
    static final Duration QUIET_TIMEOUT = Duration.ofSeconds(30);

    private final TestClock clock;
    private final KitStepHook hook;
    private final ConfigurableApplicationContext context;
    private volatile @Nullable Engine engine;
    private volatile boolean nodeDead;
    private volatile KitStepHook.@Nullable ArmedCrash armedCrash;
    private Set<UUID> unfinishedBefore = Set.of();
    private boolean mocksChecked;

    SagaTestKit(TestClock clock, ConfigurableApplicationContext context) {
        this.clock = clock;
        this.context = context;
        this.hook = new KitStepHook(this::nodeDies);
    }

    KitStepHook hook() {
        return hook;
    }

    SagaClient client() {
        return context.getBean(SagaClient.class);
    }

    /** The engine's time now: the system time when the test began, plus how far the test moved it. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Moves the engine's clock forward by {@code duration}, firing what falls due in that span in
     * the order it falls due (the end of sleeps, signal timeouts, retry backoffs, deadlines, the
     * lease of a crashed node), and returns once the sagas it woke are quiet again: finished, or
     * waiting for a signal or a time beyond the new one. {@code advance(Duration.ZERO)} runs what
     * is due now, such as a saga that was just signalled.
     *
     * @throws AssertionError if woken sagas are still busy after 30 seconds
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("The engine's clock only moves forward, not by " + duration);
        }
        var target = clock.instant().plus(duration);
        awaitQuiet();
        var engine = engine();
        while (!nodeDead) {
            var next = engine.nextDue();
            if (next == null || next.isAfter(target)) {
                break;
            }
            clock.moveTo(next);
            awaitQuiet();
        }
        clock.moveTo(target);
        awaitQuiet();
    }

    /** Waits until no saga runs on this node and none is due now. */
    public void awaitQuiet() {
        var engine = engine();
        long until = System.nanoTime() + QUIET_TIMEOUT.toNanos();
        while (!nodeDead) {
            if (engine.dispatcher.idle()) {
                boolean dueNow = engine.dueBy(clock.instant());
                // a poll behind any poll in flight: what it claimed is on a worker once it is done
                await(engine.dispatcher.pollNow());
                if (!dueNow && engine.dispatcher.idle() && !engine.dueBy(clock.instant())) {
                    return;
                }
                if (engine.dispatcher.idle()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // due, not claimable yet (locked)
                }
            } else {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("Sagas were still busy " + QUIET_TIMEOUT.toSeconds()
                        + "s after the clock moved to " + clock.instant() + ": " + engine.busy(clock.instant()));
            }
        }
    }

    /**
     * The stub of the step with this name ({@code @Step} name or method name, or
     * {@code bean.step} to pick one bean's) for this test; configure it before the step runs.
     */
    public StepStub stub(String stepName) {
        return hook.stub(requireName(stepName));
    }

    /** Every attempt of the step's effect (method or stub) seen in this test, oldest first. */
    public List<StepAttempt> attempts(String stepName) {
        requireName(stepName);
        return hook.attempts().stream().filter(attempt -> attempt.stepName().equals(stepName)
                || attempt.qualifiedName().equals(stepName)).toList();
    }

    /**
     * Makes this node die at {@code point} of the next attempt of the step: its dispatcher stops at
     * once (no more claims, no lease renewals) and the saga's worker stops without recording
     * anything more, as if the process had been killed there. Then call {@link #restartNode()}.
     */
    public void crashAt(String stepName, CrashPoint point) {
        armedCrash = hook.arm(requireName(stepName), point);
    }

    /**
     * Starts a fresh node on the same database after the crash {@link #crashAt} armed: waits for the
     * crash, lets the dead node's lease run out (the clock moves on by one lease) so that the new
     * node takes the saga over as a recovery, and returns once it is quiet.
     *
     * @throws AssertionError if the armed crash does not happen within 30 seconds
     */
    public void restartNode() {
        var armed = armedCrash;
        if (armed == null) {
            throw new IllegalStateException("No crash was armed in this test: call crashAt(step, point) first");
        }
        try {
            if (!armed.fired().await(QUIET_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("The crash armed in step '" + armed.stepName() + "' at " + armed.point()
                        + " did not happen within " + QUIET_TIMEOUT.toSeconds() + "s: did the saga reach that step?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the crash", e);
        }
        var engine = engine();
        engine.awaitIdle();
        // a node started later than the dead one: every lease the dead one wrote ends before its own
        clock.moveTo(clock.instant().plusMillis(1));
        engine.dispatcher.start();
        nodeDead = false;
        advance(engine.lease);
    }

    /**
     * The saga's history as a JSON document ({@link SagaOperations#exportHistory}): commit it under
     * {@code src/test/resources} and {@link #assertReplays} checks every later change of the code
     * against it.
     */
    public String exportHistory(UUID sagaId) {
        return context.getBean(SagaOperations.class).exportHistory(sagaId);
    }

    /** Writes the saga's history to {@code file} (its folders are created) and returns the file. */
    public Path recordHistory(UUID sagaId, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return Files.writeString(file, exportHistory(sagaId));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the history of saga " + sagaId + " to " + file, e);
        }
    }

    /**
     * Replays every history found at {@code locationPattern} (for example
     * {@code "classpath:saga-histories/*.json"}) against the code of today, without running any
     * step, and fails with a diff for each history the code no longer follows: a step reordered,
     * renamed or removed, a {@code Sagas.patched} call removed, an argument type changed.
     *
     * @return what each history replayed, when all match
     * @throws AssertionError if a history diverges, or none is found there
     */
    public List<ReplayResult> assertReplays(String locationPattern) {
        Resource[] histories;
        try {
            histories = context.getResources(locationPattern);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not look for histories at " + locationPattern, e);
        }
        if (histories.length == 0) {
            throw new AssertionError("No recorded histories found at " + locationPattern);
        }
        var operations = context.getBean(SagaOperations.class);
        var results = new ArrayList<ReplayResult>();
        for (var history : histories) {
            var source = history.getFilename() != null ? history.getFilename() : history.getDescription();
            try {
                results.add(operations.replayHistory(source, history.getContentAsString(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read the history " + history.getDescription(), e);
            }
        }
        var diverged = results.stream().filter(result -> !result.matches()).toList();
        if (!diverged.isEmpty()) {
            throw new AssertionError(diverged.size() + " of " + results.size() + " recorded histories at "
                    + locationPattern + " no longer replay on this code:\n\n" + diverged.stream()
                            .map(ReplayResult::divergence).collect(Collectors.joining("\n\n")));
        }
        return List.copyOf(results);
    }

    private void nodeDies() {
        nodeDead = true;
        engine().dispatcher.halt();
    }

    void beforeTest() {
        if (!mocksChecked) {
            MockedStepBeans.refuse(context.getBeanFactory());
            mocksChecked = true;
        }
        clock.reset();
        unfinishedBefore = new HashSet<>(engine().unfinished());
    }

    /** Undoes what the test did, so that the next test starts from the same state. */
    void afterTest() {
        var engine = engine();
        try {
            engine.awaitIdle(); // a saga the test did not wait for gets a moment to end its step
            if (nodeDead) {
                engine.dispatcher.start();
                nodeDead = false;
            }
            var leftOver = new HashSet<>(engine.unfinished());
            leftOver.removeAll(unfinishedBefore);
            engine.delete(leftOver);
        } finally {
            armedCrash = null;
            hook.reset();
            clock.reset(); // and again before the next test, which may come much later
        }
    }

    private static String requireName(String stepName) {
        if (stepName == null || stepName.isBlank()) {
            throw new IllegalArgumentException("A step name is needed, for example \"charge\" or \"payments.charge\"");
        }
        return stepName;
    }

    private Engine engine() {
        var found = engine;
        if (found == null) {
            var dispatchers = context.getBeanProvider(SagaDispatcher.class);
            var dispatcher = dispatchers.getIfUnique();
            if (dispatcher == null) {
                throw new IllegalStateException("@SagaTest needs this node's saga dispatcher, but the context has"
                        + " none: is saga.dispatcher.enabled=false?");
            }
            var properties = context.getBean(SagaProperties.class);
            found = new Engine(dispatcher, context.getBean("sagaJdbcTemplate", JdbcTemplate.class),
                    properties.schema(), properties.dispatcher().lease());
            engine = found;
        }
        return found;
    }

    private static void await(Future<?> poll) {
        try {
            poll.get(QUIET_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while the engine polled", e);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            // a cancelled poll (the node stopped) or a failed one: the next look decides
        }
    }

    /** The engine's dispatcher and tables, as the kit reads them. */
    private static final class Engine {

        private final SagaDispatcher dispatcher;
        private final JdbcTemplate jdbc;
        private final String nextDueSql;
        private final String dueSql;
        private final String busySql;
        private final String unfinishedSql;
        private final String deleteSql;
        private final Duration lease;

        Engine(SagaDispatcher dispatcher, JdbcTemplate jdbc, String schema, Duration lease) {
            this.dispatcher = dispatcher;
            this.jdbc = jdbc;
            this.lease = lease;
            var deadlines = "select i.deadline_at as due_at from " + schema + ".saga_instance i join " + schema
                    + ".saga_outbox o on o.saga_id = i.id where i.status = 'RUNNING' and i.cancel_reason is null"
                    + " and i.deadline_at is not null";
            var due = "select due_at from " + schema + ".saga_outbox union all " + deadlines;
            this.nextDueSql = "select min(due_at) from (" + due + ") d";
            this.dueSql = "select exists (select 1 from (" + due + ") d where due_at <= ?)";
            this.busySql = "select o.saga_id || ' (' || i.name || ', ' || i.status || ', claimed by '"
                    + " || coalesce(o.claimed_by, 'nobody') || ', due ' || o.due_at || ')' from " + schema
                    + ".saga_outbox o join " + schema + ".saga_instance i on i.id = o.saga_id"
                    + " where o.due_at <= ? or o.claimed_by is not null order by o.due_at limit 10";
            this.unfinishedSql = "select saga_id from " + schema + ".saga_outbox";
            this.deleteSql = "delete from " + schema + ".saga_instance where id = any(?)";
        }

        @Nullable Instant nextDue() {
            var due = jdbc.queryForObject(nextDueSql, OffsetDateTime.class);
            return due == null ? null : due.toInstant();
        }

        boolean dueBy(Instant time) {
            return Boolean.TRUE.equals(jdbc.queryForObject(dueSql, Boolean.class, at(time)));
        }

        String busy(Instant time) {
            return dispatcher.runningCount() + " running on this node; " + jdbc.queryForList(busySql, String.class,
                    at(time));
        }

        List<UUID> unfinished() {
            return jdbc.queryForList(unfinishedSql, UUID.class);
        }

        void delete(Set<UUID> sagaIds) {
            if (!sagaIds.isEmpty()) {
                jdbc.update(con -> {
                    var statement = con.prepareStatement(deleteSql);
                    statement.setArray(1, con.createArrayOf("uuid", sagaIds.toArray()));
                    return statement;
                });
            }
        }

        /** Waits until no worker of this node holds a saga (a crashed one has unwound). */
        void awaitIdle() {
            long until = System.nanoTime() + QUIET_TIMEOUT.toNanos();
            while (!dispatcher.idle()) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("This node's workers were still busy after " + QUIET_TIMEOUT.toSeconds()
                            + "s: " + dispatcher.runningCount() + " running");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
        }

        private static OffsetDateTime at(Instant time) {
            return time.atOffset(ZoneOffset.UTC);
        }
    }
}
