package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import javax.sql.DataSource;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.retention.RetentionJob;
import dev.saga.internal.time.SagaClock;
import dev.saga.testsupport.TestEngine;

/**
 * Issue 12 ("So it stays fixed"): the engine's claim, renew, release, signal, cancel, finish,
 * retention and deadline statements, called at once by several simulated nodes (different node
 * ids, over the real stores of one engine whose dispatcher is off) and by callers in their own
 * transactions, on real PostgreSQL with random delays injected by row triggers
 * ({@code concurrency/statement-probes.sql}). The triggers also log every fencing change, fenced
 * write and lease renewal inside the writer's transaction, so the invariants are checked in SQL as
 * well as in Java.
 */
class StatementConcurrencyTests {

    private static final Logger log = LoggerFactory.getLogger(StatementConcurrencyTests.class);

    private static final String SAGA = "concurrency";
    private static final String SIGNAL = "go";
    private static final int SIGNAL_WAITS = 2;
    private static final int ROUNDS = 3;
    private static final int SAGAS_PER_ROUND = 50;
    private static final Duration ROUND_LENGTH = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** The simulated nodes take nothing again by their own id: each claim here is a plain claim or takeover. */
    private static final Instant NO_ADOPTION = Instant.parse("9999-01-01T00:00:00Z");
    private static final Duration RENEW_EVERY = LEASE.dividedBy(6);
    private static final Duration FLAKY_LEASE = Duration.ofMillis(300);
    private static final Duration FROZEN_AT_MOST = Duration.ofMillis(1500);
    private static final Duration ASLEEP = Duration.ofHours(1);
    private static final Duration COMPENSATION_RETRY = Duration.ofMillis(50);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration CALLER_PAUSE = Duration.ofMillis(10);
    private static final Duration QUICK = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final long FREEZE_LOCK = 4242;
    /** How OutboxStore.wake and OutboxStore.release start, to find them in pg_stat_activity. */
    private static final String WAKE = "update saga.saga_outbox set due_at = least";
    private static final String RELEASE = "with woken as";

    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static JdbcTemplate jdbc;
    private static StepStore ledger;
    private static InstanceStore instances;
    private static CallerWrites writes;
    private static InstanceQueries queries;
    private static ClaimStore leases;
    private static OutboxStore outbox;
    private static SignalStore signals;
    private static SagaClient client;
    private static TransactionTemplate transaction;

    @BeforeAll
    static void startAnEngineWhoseDispatcherIsOffAndInstallTheProbes() throws IOException {
        engine = new TestEngine();
        node = engine.startNode(List.of(), List.of("saga.dispatcher.enabled=false",
                "spring.datasource.hikari.maximum-pool-size=40"), context -> {
                });
        jdbc = TestEngine.jdbc(node);
        ledger = node.getBean(StepStore.class);
        instances = node.getBean(InstanceStore.class);
        writes = node.getBean(CallerWrites.class);
        queries = node.getBean(InstanceQueries.class);
        leases = node.getBean(ClaimStore.class);
        outbox = node.getBean(OutboxStore.class);
        signals = node.getBean(SignalStore.class);
        client = TestEngine.client(node);
        transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
        try (var probes = StatementConcurrencyTests.class.getResourceAsStream("/concurrency/statement-probes.sql")) {
            jdbc.execute(new String(probes.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        clearTables();
    }

    // ------------------------------------------------------------------------------------------------
    // The stress rounds
    // ------------------------------------------------------------------------------------------------

    @Test
    void nodesAndCallersRacingOnFreshSagasNeverShareAClaimRepeatAnEffectLoseAWakeUpWriteAPastLeaseOrDeadlock()
            throws Exception {
        var totals = new ArrayList<Round>();
        for (int number = 1; number <= ROUNDS; number++) {
            var round = runRound(number);
            checkRound(round);
            totals.add(round);
            clearTables();
        }
        // the rounds exercised what they are meant to check
        assertThat(sum(totals, r -> r.claims.get())).as("claims").isPositive();
        assertThat(sum(totals, r -> r.fencedOff.get())).as("writes refused to a node whose claim was taken over")
                .isPositive();
        assertThat(sum(totals, r -> r.takeovers.get())).as("claims taken over after a lease ran out").isPositive();
        assertThat(sum(totals, r -> r.expired.get())).as("sagas cancelled by their deadline").isPositive();
        assertThat(sum(totals, r -> r.deleted.get())).as("sagas deleted by retention").isPositive();
        assertThat(sum(totals, r -> r.delivered.get())).as("signals delivered").isPositive();
        assertThat(sum(totals, r -> r.cancels.get())).as("cancellations").isPositive();
        assertThat(sum(totals, Round::retriesTotal)).as("retries of failed sagas").isPositive();
        assertThat(sum(totals, r -> r.asleep.get())).as("sagas released to wait for a signal").isPositive();
        assertThat(sum(totals, r -> r.renewedRows.get())).as("leases renewed").isPositive();
    }

    private Round runRound(int number) throws InterruptedException {
        var round = new Round(number, createSagas(SAGAS_PER_ROUND));
        var threads = new ArrayList<Thread>();
        for (int n = 1; n <= 3; n++) {
            var steady = new SimulatedNode("node-" + n, LEASE, false, round);
            threads.add(thread(round, steady.id + "-worker-1", steady::work));
            threads.add(thread(round, steady.id + "-worker-2", steady::work));
            threads.add(thread(round, steady.id + "-renewer", steady::renewLeases));
        }
        // claims with a short lease it never renews, freezes until someone took the saga over, then
        // goes on with its stale fencing number (or crashes: it never gives the claim back)
        var flaky = new SimulatedNode("flaky-node", FLAKY_LEASE, true, round);
        threads.add(thread(round, "flaky-worker-1", flaky::work));
        threads.add(thread(round, "flaky-worker-2", flaky::work));
        for (int n = 1; n <= 4; n++) {
            threads.add(thread(round, "caller-" + n, () -> call(round)));
        }
        for (int n = 1; n <= 2; n++) {
            threads.add(thread(round, "retention-" + n, () -> deleteFinished(round)));
            threads.add(thread(round, "deadlines-" + n, () -> expireDeadlines(round)));
        }
        threads.add(thread(round, "wake-up-watcher", () -> watchForLostWakeUps(round)));
        long started = System.nanoTime();
        threads.forEach(Thread::start);
        try {
            await().atMost(ROUND_LENGTH.plusSeconds(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> count("select count(*) from saga.saga_outbox") == 0
                            || System.nanoTime() - started >= ROUND_LENGTH.toNanos());
        } finally {
            round.over.countDown();
        }
        for (var thread : threads) {
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).as("thread %s still busy %s after the round ended", thread.getName(), WAIT)
                    .isFalse();
        }
        log.info("Round {} ({} ms): {}", number, (System.nanoTime() - started) / 1_000_000, round.summary());
        return round;
    }

    private void checkRound(Round round) {
        int n = round.number;
        assertThat(round.deadlocks()).as("round %d: 'deadlock detected' (40P01) or a serialization failure (40001)"
                + " reached a node or a caller", n).isEmpty();
        assertThat(round.unexpected).as("round %d: unexpected failures of nodes and callers", n).isEmpty();
        assertThat(round.sharedFences).as("round %d: two nodes got the same fencing number of a saga", n).isEmpty();
        assertThat(round.effectsTwice).as("round %d: a ledger entry recorded COMPLETED twice (saga/run/seq)", n)
                .isEmpty();
        assertThat(round.writesWithoutClaim).as("round %d: a write succeeded with a fence its node never claimed", n)
                .isEmpty();
        round.finishes.forEach((saga, finished) -> assertThat(finished.get())
                .as("round %d: saga %s finished %d times with %d retries", n, saga, finished.get(),
                        round.retriesOf(saga))
                .isLessThanOrEqualTo(1 + round.retriesOf(saga)));
        assertThat(Duration.ofNanos(round.slowestRenewalNanos.get())).as("round %d: slowest lease renewal", n)
                .isLessThan(QUICK);

        assertThat(jdbc.queryForList("""
                select w.saga_id || ' ' || w.node_id || ' wrote ' || coalesce(w.seq::text, w.status) || ' with fencing '
                    || w.fencing || ' while ' || coalesce(c.fencing::text, 'no claim') || ' was current' as write
                from saga_test.fence_log w left join lateral (select f.fencing from saga_test.fence_log f
                    where f.saga_id = w.saga_id and f.event = 'fence' and f.id < w.id
                    order by f.id desc limit 1) c on true
                where w.event = 'write' and c.fencing is distinct from w.fencing""", String.class))
                .as("round %d (SQL): a fenced write committed although its fencing number was no longer current", n)
                .isEmpty();
        assertThat(jdbc.queryForList("""
                select saga_id || ' run ' || run || ' seq ' || seq || ': ' || count(*) || ' times'
                from saga_test.fence_log where completed_now
                group by saga_id, run, seq having count(*) > 1""", String.class))
                .as("round %d (SQL): an entry became COMPLETED more than once (an effect recorded twice)", n)
                .isEmpty();
        assertThat(count("select count(*) from saga_test.lease_log where statement like '"
                + "update saga.saga_outbox set due_at = $1 where saga_id in%'")).as("round %d: renewals logged", n)
                .isEqualTo(round.renewedRows.get());
        assertThat(jdbc.queryForList("""
                select saga_id || ' renewed by ' || node_id || ' to ' || due_at || ' at ' || written_at
                from saga_test.lease_log where due_at <= written_at""", String.class))
                .as("round %d (SQL): a lease end written in the past for a node that was renewing", n).isEmpty();
        round.lostWakeUps.addAll(lostWakeUps());
        assertThat(round.lostWakeUps).as("round %d (SQL, during and after the round): a lost wake-up: an unclaimed"
                + " saga asleep although a signal or a cancellation waits for it", n).isEmpty();
        assertThat(jdbc.queryForList("""
                select i.id || ' ' || i.status
                    || case when o.saga_id is null then ' without' else ' with' end || ' work'
                from saga.saga_instance i left join saga.saga_outbox o on o.saga_id = i.id
                where (i.status in ('RUNNING', 'COMPENSATING')) <> (o.saga_id is not null)""", String.class))
                .as("round %d (SQL): a running saga lost its outbox row, or a finished one kept it", n).isEmpty();
    }

    private static List<UUID> createSagas(int count) {
        var ids = new ArrayList<UUID>();
        var random = ThreadLocalRandom.current();
        for (int i = 0; i < count; i++) {
            var id = UUID.randomUUID();
            var now = Instant.now();
            var deadline = random.nextInt(10) < 3 ? now.plusMillis(300 + random.nextInt(2700)) : null;
            writes.insertInstance(id, SAGA, 1, null, "{\"n\":1}", deadline, now, now, null, 0, null);
            ids.add(id);
        }
        return ids;
    }

    /**
     * Sagas asleep (unclaimed, due in an hour) although a signal or a cancellation waits for them.
     * A signal or cancel commits its wake-up with it (the outbox row when unclaimed, else the count
     * that the release reads under its share lock), so no committed state may ever show this: one
     * query sees one committed state, and it is checked all through a round, not only at its end,
     * where a later signal would have hidden a lost wake-up.
     */
    private static List<String> lostWakeUps() {
        return jdbc.queryForList("""
                select o.saga_id || ' ' || i.status || ' due ' || o.due_at || ', wake-ups ' || i.wakeups
                from saga.saga_outbox o join saga.saga_instance i on i.id = o.saga_id
                where o.claimed_by is null and o.due_at > now() + interval '10 minutes'
                and (exists (select 1 from saga.saga_signal s where s.saga_id = o.saga_id and s.consumed_seq is null)
                    or (i.status = 'RUNNING' and i.cancel_reason is not null))""", String.class);
    }

    private static void watchForLostWakeUps(Round round) {
        while (round.pause(Duration.ofMillis(25))) {
            try {
                round.lostWakeUps.addAll(lostWakeUps());
            } catch (RuntimeException e) {
                round.unexpected("wake-up watcher", e);
            }
        }
    }

    /** A node of the engine, as its dispatcher and runner use the statements. */
    private static final class SimulatedNode {

        final String id;
        final Duration lease;
        final boolean flaky;
        final Round round;
        final Set<UUID> held = ConcurrentHashMap.newKeySet();

        SimulatedNode(String id, Duration lease, boolean flaky, Round round) {
            this.id = id;
            this.lease = lease;
            this.flaky = flaky;
            this.round = round;
        }

        void work() {
            while (round.running()) {
                List<Claim> claims = List.of();
                try {
                    var now = Instant.now();
                    claims = leases.claim(id, 1 + ThreadLocalRandom.current().nextInt(2), now, now.plus(lease),
                            NO_ADOPTION, Set.copyOf(held));
                } catch (RuntimeException e) {
                    round.unexpected(id + " claiming", e);
                }
                for (var claim : claims) {
                    held.add(claim.sagaId());
                    round.claimed(id, claim);
                }
                for (var claim : claims) {
                    try {
                        process(claim);
                    } finally {
                        held.remove(claim.sagaId());
                    }
                }
                if (claims.isEmpty() && !round.pause(POLL)) {
                    return;
                }
            }
        }

        void renewLeases() {
            while (round.pause(RENEW_EVERY)) {
                var running = Set.copyOf(held);
                if (running.isEmpty()) {
                    continue;
                }
                long started = System.nanoTime();
                try {
                    int renewed = leases.renew(id, running, Instant.now().plus(lease));
                    round.renewedRows.addAndGet(renewed);
                    round.slowestRenewalNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                } catch (RuntimeException e) {
                    round.unexpected(id + " renewing " + running.size() + " leases", e);
                }
            }
        }

        private void process(Claim claim) {
            try {
                if (flaky) {
                    if (frozenUntilTakenOver(claim)) {
                        round.takeovers.incrementAndGet();
                    }
                    if (ThreadLocalRandom.current().nextInt(4) == 0) {
                        return; // crashed: the claim is never given back, its lease runs out
                    }
                }
                new Run(this, claim).go();
            } catch (FencedOffException | LostClaim lost) {
                round.fencedOff.incrementAndGet();
            } catch (RuntimeException e) {
                round.unexpected(id + " running saga " + claim.sagaId() + " with fencing " + claim.fencing(), e);
            }
        }

        private static boolean frozenUntilTakenOver(Claim claim) {
            try {
                await().atMost(FROZEN_AT_MOST).pollInterval(Duration.ofMillis(50))
                        .until(() -> currentFencing(claim.sagaId()) > claim.fencing());
                return true;
            } catch (ConditionTimeoutException nobodyTookIt) {
                return false;
            }
        }
    }

    /** One run of a claimed saga, the way the runner records it: a step, two signal waits, the end. */
    private static final class Run {

        final SimulatedNode node;
        final Claim claim;
        final Fence fence;
        final UUID sagaId;
        final Round round;

        Run(SimulatedNode node, Claim claim) {
            this.node = node;
            this.claim = claim;
            this.fence = new Fence(claim.sagaId(), claim.fencing(), node.id);
            this.sagaId = claim.sagaId();
            this.round = node.round;
        }

        void go() {
            var instance = queries.findInstance(sagaId).orElse(null);
            if (instance == null) {
                return; // deleted by retention; its outbox row went with it
            }
            if (instance.saga().status().isTerminal()) {
                inTransaction(() -> outbox.remove(sagaId, node.id));
                return;
            }
            var history = ledger.steps(sagaId);
            if (instance.saga().status() == SagaStatus.COMPENSATING || instance.cancelReason() != null) {
                compensate(instance.saga().status(), instance.cancelReason(), instance.saga().run(), history);
                return;
            }
            int seq = nextSeq(history);
            if (seq == 0) {
                recordEffect(instance.saga().run(), StepRecord.completed(sagaId, 0, StepKind.STEP, SAGA + ".work",
                        "\"done\"",
                        Instant.now()));
                seq = 1;
            }
            for (; seq <= SIGNAL_WAITS; seq++) {
                var pending = signals.oldestPending(sagaId, SIGNAL);
                if (pending.isEmpty()) {
                    sleepUntilSignalled(history, seq);
                    return;
                }
                int at = seq;
                var received = StepRecord.completed(sagaId, at, StepKind.SIGNAL, SIGNAL, pending.get().payload(),
                        Instant.now());
                inTransaction(() -> {
                    ledger.record(fence, received); // the fence first: instance, then signal
                    if (!signals.consume(pending.get().id(), at)) {
                        throw new IllegalStateException("signal " + pending.get().id() + " consumed by another run");
                    }
                });
                round.completed(sagaId, instance.saga().run(), at, fence);
                if (at == 1 && instance.saga().run() == 1 && ThreadLocalRandom.current().nextInt(4) == 0) {
                    continueAsNew();
                    return;
                }
            }
            boolean fails = ThreadLocalRandom.current().nextInt(5) == 0;
            instances.finish(fence, fails ? SagaStatus.FAILED : SagaStatus.COMPLETED, fails ? null : "\"ok\"",
                    fails ? "failed on purpose" : null, Instant.now());
            round.finished(sagaId, fence);
            if (fails) {
                round.failed.add(sagaId);
            }
        }

        private void compensate(SagaStatus status, String cancelReason, int run, List<StepRecord> history) {
            if (status == SagaStatus.RUNNING) {
                inTransaction(() -> instances.updateStatus(fence, SagaStatus.COMPENSATING, null,
                        "Cancelled: " + cancelReason, Instant.now()));
                round.wrote(fence);
            }
            if (ThreadLocalRandom.current().nextInt(5) < 2) {
                var now = Instant.now(); // the compensation is retried later: COMPENSATING and unclaimed meanwhile
                inTransaction(() -> requireClaim(outbox.release(claim, node.id, now.plus(COMPENSATION_RETRY), now)));
                return;
            }
            int seq = history.isEmpty() ? 0 : history.get(history.size() - 1).seq() + 1;
            recordEffect(run, StepRecord.completed(sagaId, seq, StepKind.COMPENSATION, SAGA + ".undo", "\"undone\"",
                    Instant.now()));
            instances.finish(fence, cancelReason != null ? SagaStatus.CANCELLED : SagaStatus.COMPENSATED, null, null,
                    Instant.now());
            round.finished(sagaId, fence);
        }

        private void sleepUntilSignalled(List<StepRecord> history, int seq) {
            var now = Instant.now();
            if (history.stream().noneMatch(row -> row.seq() == seq)) {
                ledger.record(fence, StepRecord.started(sagaId, seq, StepKind.SIGNAL, SIGNAL, null, null, now)
                        .waitingUntil(now.plus(ASLEEP)));
                round.wrote(fence);
            }
            var releasedAt = Instant.now();
            inTransaction(() -> requireClaim(outbox.release(claim, node.id, releasedAt.plus(ASLEEP), releasedAt)));
            round.asleep.incrementAndGet();
        }

        private void continueAsNew() {
            var now = Instant.now();
            inTransaction(() -> {
                instances.continueAsNew(fence, "{\"n\":2}");
                signals.forgetConsumed(sagaId);
                requireClaim(outbox.release(claim, node.id, now, now));
            });
            round.wrote(fence);
        }

        /** A transactional step: its record holds the instance row while its business work goes on. */
        private void recordEffect(int run, StepRecord row) {
            inTransaction(() -> {
                ledger.record(fence, row);
                jdbc.execute("select pg_sleep(random() * 0.05)");
            });
            round.completed(sagaId, run, row.seq(), fence);
        }

        private static int nextSeq(List<StepRecord> history) {
            if (history.isEmpty()) {
                return 0;
            }
            var last = history.get(history.size() - 1);
            return last.status() == StepStatus.COMPLETED ? last.seq() + 1 : last.seq();
        }

        private static void requireClaim(boolean held) {
            if (!held) {
                throw new LostClaim();
            }
        }
    }

    /** A release that found the claim gone: the node abandons the run, as the runner does. */
    private static final class LostClaim extends RuntimeException {
        LostClaim() {
            super("claim lost", null, false, false);
        }
    }

    /** Callers signal, cancel and retry in their own transactions, some holding them open a while. */
    private static void call(Round round) {
        var random = ThreadLocalRandom.current();
        while (round.running()) {
            int action = random.nextInt(100);
            var retryable = action >= 85 ? round.failed.poll() : null;
            var sagaId = retryable != null ? retryable : round.sagas.get(random.nextInt(round.sagas.size()));
            double hold = random.nextInt(3) == 0 ? random.nextDouble() * 0.2 : 0;
            try {
                if (action < 55) {
                    if (inCallerTransaction(hold, () -> client.signal(sagaId, SIGNAL, Map.of("n", action)))
                            == SignalResult.DELIVERED) {
                        round.delivered.incrementAndGet();
                    }
                } else if (action < 72) {
                    inCallerTransaction(hold, () -> {
                        client.cancel(sagaId, "caller " + action);
                        return null;
                    });
                    round.cancels.incrementAndGet();
                } else if (action < 82) {
                    inCallerTransaction(hold, () -> {
                        client.cancel(sagaId, "caller " + action);
                        return client.signal(sagaId, SIGNAL, Map.of("n", action));
                    });
                    round.cancels.incrementAndGet();
                } else {
                    inCallerTransaction(hold, () -> {
                        client.retry(sagaId);
                        return null;
                    });
                    round.retried(sagaId);
                }
            } catch (IllegalStateException | UnknownSagaException refused) {
                round.refused.incrementAndGet(); // finished, failed, deleted: the client says so
            } catch (RuntimeException e) {
                round.unexpected("caller (action " + action + ") on saga " + sagaId, e);
            }
            if (!round.pause(CALLER_PAUSE)) {
                return;
            }
        }
    }

    private static <T> T inCallerTransaction(double holdSeconds, Supplier<T> work) {
        return transaction.execute(status -> {
            var result = work.get();
            if (holdSeconds > 0) {
                jdbc.execute("select pg_sleep(" + holdSeconds + ")");
            }
            return result;
        });
    }

    private static void deleteFinished(Round round) {
        // never started, so its scheduler is never used: the round calls deleteExpired itself
        var retention = new RetentionJob(instances, SagaClock.system(), Map.of(
                SagaStatus.COMPLETED, Duration.ofMillis(200), SagaStatus.COMPENSATED, Duration.ofMillis(200),
                SagaStatus.CANCELLED, Duration.ofMillis(200), SagaStatus.FAILED, Duration.ofSeconds(1)),
                4, Duration.ofHours(1), new ThreadPoolTaskScheduler());
        while (round.pause(Duration.ofMillis(100))) {
            try {
                round.deleted.addAndGet(retention.deleteExpired());
            } catch (RuntimeException e) {
                round.unexpected("retention", e);
            }
        }
    }

    private static void expireDeadlines(Round round) {
        while (round.pause(Duration.ofMillis(100))) {
            try {
                round.expired.addAndGet(leases.expireDeadlines(Instant.now()));
            } catch (RuntimeException e) {
                round.unexpected("deadline expiry", e);
            }
        }
    }

    /** What one round's threads did and saw. */
    private static final class Round {

        final int number;
        final List<UUID> sagas;
        final CountDownLatch over = new CountDownLatch(1);
        final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
        final Queue<String> sharedFences = new ConcurrentLinkedQueue<>();
        final Queue<String> effectsTwice = new ConcurrentLinkedQueue<>();
        final Queue<String> writesWithoutClaim = new ConcurrentLinkedQueue<>();
        final Queue<UUID> failed = new ConcurrentLinkedQueue<>();
        final Set<String> lostWakeUps = ConcurrentHashMap.newKeySet();
        final Map<String, String> claimants = new ConcurrentHashMap<>();
        final Map<String, String> effects = new ConcurrentHashMap<>();
        final Map<UUID, AtomicInteger> finishes = new ConcurrentHashMap<>();
        final Map<UUID, AtomicInteger> retries = new ConcurrentHashMap<>();
        final AtomicInteger claims = new AtomicInteger();
        final AtomicInteger fencedOff = new AtomicInteger();
        final AtomicInteger takeovers = new AtomicInteger();
        final AtomicInteger expired = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();
        final AtomicInteger cancels = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger asleep = new AtomicInteger();
        final AtomicInteger renewedRows = new AtomicInteger();
        final AtomicLong slowestRenewalNanos = new AtomicLong();

        Round(int number, List<UUID> sagas) {
            this.number = number;
            this.sagas = List.copyOf(sagas);
        }

        boolean running() {
            return over.getCount() > 0;
        }

        /** Waits for the period; false once the round is over. */
        boolean pause(Duration period) {
            try {
                return !over.await(period.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        void claimed(String nodeId, Claim claim) {
            claims.incrementAndGet();
            var earlier = claimants.putIfAbsent(claim.sagaId() + "/" + claim.fencing(), nodeId);
            if (earlier != null) {
                sharedFences.add(claim.sagaId() + " fencing " + claim.fencing() + ": " + earlier + " and " + nodeId);
            }
        }

        void wrote(Fence fence) {
            var claimant = claimants.get(fence.sagaId() + "/" + fence.fencing());
            if (!fence.nodeId().equals(claimant)) {
                writesWithoutClaim.add(fence + " (claimed by " + claimant + ")");
            }
        }

        void completed(UUID sagaId, int run, int seq, Fence fence) {
            wrote(fence);
            var earlier = effects.putIfAbsent(sagaId + "/" + run + "/" + seq, fence.nodeId() + "@" + fence.fencing());
            if (earlier != null) {
                effectsTwice.add(sagaId + " run " + run + " seq " + seq + ": " + earlier + " and " + fence.nodeId()
                        + "@" + fence.fencing());
            }
        }

        void finished(UUID sagaId, Fence fence) {
            wrote(fence);
            finishes.computeIfAbsent(sagaId, id -> new AtomicInteger()).incrementAndGet();
        }

        void retried(UUID sagaId) {
            retries.computeIfAbsent(sagaId, id -> new AtomicInteger()).incrementAndGet();
        }

        int retriesTotal() {
            return retries.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        int retriesOf(UUID sagaId) {
            var count = retries.get(sagaId);
            return count == null ? 0 : count.get();
        }

        void unexpected(String who, Throwable failure) {
            unexpected.add(who + ": " + describe(failure));
        }

        /** Who met a deadlock or a serialization failure, and what it said. */
        List<String> deadlocks() {
            return unexpected.stream().filter(failure -> failure.contains("(SQLSTATE 40P01)")
                    || failure.contains("(SQLSTATE 40001)")).toList();
        }

        String summary() {
            return "claims " + claims + ", taken over " + takeovers + ", fenced off " + fencedOff + ", renewed "
                    + renewedRows + " (slowest " + slowestRenewalNanos.get() / 1_000_000 + " ms), asleep " + asleep
                    + ", signals " + delivered + ", cancels " + cancels + ", refused " + refused + ", retries "
                    + retriesTotal() + ", finished "
                    + finishes.values().stream().mapToInt(AtomicInteger::get).sum() + ", deadlines " + expired
                    + ", deleted " + deleted + ", failures " + unexpected.size();
        }
    }

    private static int sum(List<Round> rounds, ToIntFunction<Round> counter) {
        return rounds.stream().mapToInt(counter).sum();
    }

    // ------------------------------------------------------------------------------------------------
    // Two retention jobs at once
    // ------------------------------------------------------------------------------------------------

    @Test
    void twoRetentionDeletesAtOnceTakeDisjointSagasWithoutWaitingForEachOther() throws Exception {
        var finishedAt = Instant.now().minusSeconds(60);
        for (int n = 0; n < 8; n++) {
            var id = UUID.randomUUID();
            writes.insertInstance(id, SAGA, 1, null, "{\"n\":1}", null, finishedAt, finishedAt, null, 0, null);
            instances.finish(new Fence(id, 0, "node-n"), SagaStatus.COMPLETED, "\"ok\"", null, finishedAt);
        }
        var deletedOpen = new CountDownLatch(1);
        var commit = new CountDownLatch(1);
        // one node's delete is still open (its rows locked) when the other node's starts
        var first = inBackground("retention-a", () -> transaction.execute(status -> {
            int deleted = instances.deleteFinished(SagaStatus.COMPLETED, Instant.now(), 4);
            deletedOpen.countDown();
            try {
                commit.await(2 * WAIT.toSeconds(), TimeUnit.SECONDS); // longer than the other delete may take
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return deleted;
        }));
        assertThat(deletedOpen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        var second = inBackground("retention-b", () -> instances.deleteFinished(SagaStatus.COMPLETED, Instant.now(), 4));

        // waiting for the open delete's rows is what lets two deletes that lock in opposite orders deadlock;
        // had it waited, it would not return before the open one commits
        assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the other four, while the first is open")
                .isEqualTo(4);
        commit.countDown();
        assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(count("select count(*) from saga.saga_instance")).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // A poll and a start on the same node
    // ------------------------------------------------------------------------------------------------

    @Test
    void aPollTakesBackTheNodesOwnClaimsItDoesNotHoldButNotASagaStartedHereWhileThePollRan() {
        var pollBegan = Instant.now();
        // claimed by an earlier poll of this node whose reply was lost: the node holds it nowhere
        var lostReply = UUID.randomUUID();
        writes.insertInstance(lostReply, SAGA, 1, null, "{\"n\":1}", null, pollBegan, pollBegan.minusSeconds(1)
                .plus(LEASE), "node-n", Claim.FIRST_FENCING, null);
        // written claimed by a start that took a worker freed after the poll copied what the node holds
        var startedMeanwhile = UUID.randomUUID();
        writes.insertInstance(startedMeanwhile, SAGA, 1, null, "{\"n\":1}", null, pollBegan,
                pollBegan.plusMillis(1).plus(LEASE), "node-n", Claim.FIRST_FENCING, null);

        var claims = leases.claim("node-n", 5, pollBegan, pollBegan.plus(LEASE), pollBegan.minusSeconds(60), Set.of());

        assertThat(claims).extracting(Claim::sagaId).containsExactly(lostReply);
        assertThat(currentFencing(startedMeanwhile)).as("the start's held worker still confirms it")
                .isEqualTo(Claim.FIRST_FENCING);
    }

    // ------------------------------------------------------------------------------------------------
    // Callers that hold their transactions open
    // ------------------------------------------------------------------------------------------------

    @Test
    void renewalsReturnWithinASecondAndRenewEveryLeaseWhileCallersHoldSignalAndCancelTransactionsOpenForThreeSeconds()
            throws Exception {
        var signalled = UUID.randomUUID();
        var cancelled = UUID.randomUUID();
        var waiting = UUID.randomUUID();
        insertDueNow(signalled);
        insertDueNow(cancelled);
        var claims = leases.claim("node-n", 2, Instant.now(), Instant.now().plus(LEASE), NO_ADOPTION, Set.of());
        assertThat(claims).extracting(Claim::sagaId).containsExactlyInAnyOrder(signalled, cancelled);
        insertDueNow(waiting); // unclaimed: the caller's wake-up locks its outbox row

        var open = new CountDownLatch(3);
        var callers = List.of(
                inBackground("caller-signal", () -> holdOpen(open, 3, () -> client.signal(signalled, SIGNAL, "x"))),
                inBackground("caller-cancel", () -> holdOpen(open, 3, () -> {
                    client.cancel(cancelled, "held open");
                    return null;
                })),
                inBackground("caller-wake", () -> holdOpen(open, 3, () -> client.signal(waiting, SIGNAL, "y"))));
        assertThat(open.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> count("select count(*) from pg_stat_activity"
                + " where datname = current_database() and state = 'active' and query = 'select pg_sleep(3)'") == 3);

        long started = System.nanoTime();
        int renewed = leases.renew("node-n", Set.of(signalled, cancelled), Instant.now().plus(LEASE));
        var renewal = Duration.ofNanos(System.nanoTime() - started);
        started = System.nanoTime();
        var otherClaims = leases.claim("node-m", 5, Instant.now(), Instant.now().plus(LEASE), NO_ADOPTION, Set.of());
        var claimTook = Duration.ofNanos(System.nanoTime() - started);
        started = System.nanoTime();
        leases.expireDeadlines(Instant.now());
        var expiryTook = Duration.ofNanos(System.nanoTime() - started);
        assertThat(callers).as("the callers' transactions were still open").noneMatch(CompletableFuture::isDone);

        assertThat(renewal).as("renewal while callers hold transactions open").isLessThan(QUICK);
        assertThat(renewed).as("leases renewed (none skipped for a caller's lock)").isEqualTo(2);
        assertThat(claimTook).as("a claim of another node meanwhile").isLessThan(QUICK);
        assertThat(otherClaims).as("the saga a caller is waking is skipped, not waited for").isEmpty();
        assertThat(expiryTook).as("deadline expiry meanwhile").isLessThan(QUICK);
        for (var caller : callers) {
            caller.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aReleaseWaitsForACallersOpenSignalTransactionAndThenLeavesTheSagaDueNow() throws Exception {
        var id = UUID.randomUUID();
        insertDueNow(id);
        var claim = leases.claim("node-n", 1, Instant.now(), Instant.now().plus(LEASE), NO_ADOPTION, Set.of()).get(0);
        var signalledOpen = new CountDownLatch(1);
        var commit = new CountDownLatch(1);
        var caller = inBackground("caller", () -> transaction.execute(status -> {
            var result = client.signal(id, SIGNAL, "late");
            signalledOpen.countDown();
            awaitLatch(commit);
            return result;
        }));
        assertThat(signalledOpen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        var now = Instant.now();
        var releasing = inBackground("release", () -> transaction.execute(status ->
                outbox.release(claim, "node-n", now.plus(ASLEEP), now)));
        try {
            await().atMost(WAIT).until(() -> releasing.isDone() || backendsWaitingOnALock(RELEASE) == 1);
            assertThat(releasing).as("the release waits (on the instance row) for the caller's commit").isNotDone();
        } finally {
            commit.countDown();
        }

        assertThat(caller.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SignalResult.DELIVERED);
        assertThat(releasing.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        var dueAt = jdbc.queryForObject("select due_at from saga.saga_outbox where saga_id = ?",
                java.time.OffsetDateTime.class, id).toInstant();
        // the release's "now" (PostgreSQL keeps microseconds), not an hour later
        assertThat(dueAt).as("signalled while claimed, then released: due now, not asleep")
                .isCloseTo(now, within(1, ChronoUnit.MILLIS));
    }

    // ------------------------------------------------------------------------------------------------
    // A cancel of a COMPENSATING saga racing its claim
    //
    // Found by these tests: requestCancel updated the instance only 'where status = 'RUNNING'', so for
    // a COMPENSATING saga the caller took no lock on the instance row, and OutboxStore.wake then ran
    // on its own. When its snapshot showed the outbox row unclaimed while a claim of it was
    // committing, the wake waited for that claim; PostgreSQL (READ COMMITTED) then locks the newest
    // row version before it checks 'claimed_by is null' again, and keeps that lock although the check
    // fails and nothing is updated. Until the caller committed, it held the outbox row of a claimed
    // saga: the node's renewals skipped it, its release and finish waited for the caller, and a
    // caller that went on to signal closed a deadlock with the node's release. Now cancel writes
    // nothing for a saga that is not RUNNING, and touches the outbox only with the instance locked.
    // The claim is frozen by a trigger (advisory lock 4242) to make the interleaving certain.
    // ------------------------------------------------------------------------------------------------

    @Test
    void aCancelOfACompensatingSagaThatRacesItsClaimLeavesTheNewClaimRenewable() throws Exception {
        var id = compensatingAndUnclaimed();
        try (var freeze = new ClaimFreeze()) {
            var claiming = freeze.claimFrozen(id);
            var cancelled = new CountDownLatch(1);
            var commit = new CountDownLatch(1);
            var caller = inBackground("caller", () -> transaction.execute(status -> {
                client.cancel(id, "changed my mind");
                cancelled.countDown();
                awaitLatch(commit);
                return null;
            }));
            try {
                // a compensating saga is not cancelled again: the caller writes (and locks) nothing, so it does
                // not wait for the claim, and keeps no lock on the claimed saga's outbox row afterwards
                assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(backendsWaitingOnALock(WAKE)).isZero();
                freeze.thaw();
                var claim = claiming.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(claim).extracting(Claim::sagaId).containsExactly(id);
                assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                long started = System.nanoTime();
                int renewed = leases.renew("frozen-node", Set.of(id), Instant.now().plus(LEASE));
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICK);
                assertThat(renewed).as("the lease of the node that claimed the saga is renewed while the caller that"
                        + " cancelled it keeps its transaction open (the caller must hold no lock on the outbox row"
                        + " of a claimed saga)").isEqualTo(1);
            } finally {
                commit.countDown();
                caller.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCallerThatCancelsThenSignalsACompensatingSagaRacingItsClaimDoesNotDeadlockWithTheNodeReleasingIt()
            throws Exception {
        var id = compensatingAndUnclaimed();
        try (var freeze = new ClaimFreeze()) {
            var claiming = freeze.claimFrozen(id);
            var cancelled = new CountDownLatch(1);
            var signalNow = new CountDownLatch(1);
            var caller = inBackground("caller", () -> transaction.execute(status -> {
                client.cancel(id, "changed my mind");
                cancelled.countDown();
                awaitLatch(signalNow);
                return client.signal(id, SIGNAL, "and one more thing");
            }));
            CompletableFuture<Boolean> releasing = null;
            try {
                // a compensating saga is not cancelled again: the caller writes (and locks) nothing, so it does
                // not wait for the claim, and keeps no lock on the claimed saga's outbox row afterwards
                assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(backendsWaitingOnALock(WAKE)).isZero();
                freeze.thaw();
                var claim = claiming.get(WAIT.toSeconds(), TimeUnit.SECONDS).get(0);
                assertThat(cancelled.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

                // the node's compensation is to be retried later: it gives the claim back
                var now = Instant.now();
                releasing = inBackground("node-release", () -> transaction.execute(status ->
                        outbox.release(claim, "frozen-node", now.plus(COMPENSATION_RETRY), now)));
                CompletableFuture<Boolean> release = releasing;
                await().atMost(WAIT).until(() -> release.isDone() || backendsWaitingOnALock(RELEASE) == 1);
            } finally {
                signalNow.countDown();
            }
            var failures = new ArrayList<String>();
            outcome("caller", caller, failures);
            outcome("node's release", releasing, failures);
            assertThat(failures).as("the caller's transaction (cancel, then signal) and the node's release of the"
                    + " saga, which it claimed while the cancel ran").isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The lock order of a claim: instance before outbox, as every other statement takes them. A claim
    // that locked a saga's outbox row and skipped its instance (held by a caller) kept the outbox row
    // until it committed; and PostgreSQL does not always honour SKIP LOCKED (locking a newer version
    // of a row updated meanwhile waits), so a claim that then waited for that caller's instance row
    // while the caller (or a node finishing the saga) waited for the outbox row was a deadlock. The
    // CI's outbox fuzz run found it: "deadlock detected ... while deleting tuple in saga_outbox".
    // ------------------------------------------------------------------------------------------------

    @Test
    void aClaimThatSkipsASagaWhoseInstanceACallerHoldsLeavesItsOutboxRowFreeSoTheCallersSignalDoesNotWait()
            throws Exception {
        var signalled = UUID.randomUUID();
        var other = UUID.randomUUID();
        var now = Instant.now();
        // the signalled saga is due first, so the claim comes to it before the one it takes
        writes.insertInstance(signalled, SAGA, 1, null, "{\"n\":1}", null, now, now.minusSeconds(2), null, 0, null);
        writes.insertInstance(other, SAGA, 1, null, "{\"n\":1}", null, now, now.minusSeconds(1), null, 0, null);
        var counted = new CountDownLatch(1);
        var wakeNow = new CountDownLatch(1);
        var caller = inBackground("caller", () -> transaction.execute(status -> {
            var waiting = writes.countWakeUp(signalled); // locks the instance row until this commits
            counted.countDown();
            awaitLatch(wakeNow);
            outbox.wake(signalled, Instant.now());
            return waiting.isPresent();
        }));
        try (var freeze = new ClaimFreeze()) {
            assertThat(counted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            var claiming = freeze.claimFrozen(other); // stopped inside the claim, its row locks held
            try (var probe = node.getBean(DataSource.class).getConnection();
                    var statement = probe.prepareStatement(
                            "select saga_id from saga.saga_outbox where saga_id = ? for update nowait")) {
                statement.setObject(1, signalled);
                statement.executeQuery().close();
            } catch (SQLException locked) {
                throw new AssertionError("the claim, which could not take the signalled saga, holds its outbox row"
                        + " (SQLSTATE " + locked.getSQLState() + "): " + locked.getMessage(), locked);
            }
            wakeNow.countDown();
            assertThat(caller.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the caller's signal commits while the"
                    + " claim is still open").isTrue();
            freeze.thaw();
            assertThat(claiming.get(WAIT.toSeconds(), TimeUnit.SECONDS)).extracting(Claim::sagaId)
                    .containsExactly(other);
        } finally {
            wakeNow.countDown();
        }
        assertThat(count("select count(*) from saga.saga_outbox where claimed_by is null and due_at <= now()"))
                .as("the signalled saga, unclaimed and due").isEqualTo(1);
    }

    /** A saga that compensates, waiting for its compensation to be retried: unclaimed and due. */
    private static UUID compensatingAndUnclaimed() {
        var id = UUID.randomUUID();
        insertDueNow(id);
        var first = leases.claim("node-a", 1, Instant.now(), Instant.now().plus(LEASE), NO_ADOPTION, Set.of()).get(0);
        instances.updateStatus(new Fence(id, first.fencing(), "node-a"), SagaStatus.COMPENSATING, null, "failed",
                Instant.now());
        var now = Instant.now();
        assertThat(outbox.release(first, "node-a", now, now)).isTrue();
        return id;
    }

    /** Holds advisory lock 4242, at which a claim by a 'frozen-...' node stops with its rows locked. */
    private static final class ClaimFreeze implements AutoCloseable {

        private final Connection connection;
        private boolean held;

        ClaimFreeze() throws SQLException {
            connection = node.getBean(DataSource.class).getConnection();
            connection.createStatement().execute("select pg_advisory_lock(" + FREEZE_LOCK + ")");
            held = true;
        }

        /** A claim of the saga by 'frozen-node', stopped after it locked the saga's rows. */
        CompletableFuture<List<Claim>> claimFrozen(UUID sagaId) {
            var claiming = inBackground("frozen-claim", () -> leases.claim("frozen-node", 1, Instant.now(),
                    Instant.now().plus(LEASE), NO_ADOPTION, Set.of()));
            await().atMost(WAIT).until(() -> count("select count(*) from pg_locks where locktype = 'advisory'"
                    + " and not granted") == 1);
            return claiming;
        }

        void thaw() throws SQLException {
            if (held) {
                connection.createStatement().execute("select pg_advisory_unlock(" + FREEZE_LOCK + ")");
                held = false;
            }
        }

        @Override
        public void close() throws SQLException {
            try {
                thaw();
            } finally {
                connection.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------------

    private static void insertDueNow(UUID id) {
        var now = Instant.now();
        writes.insertInstance(id, SAGA, 1, null, "{\"n\":1}", null, now, now, null, 0, null);
    }

    private static <T> T holdOpen(CountDownLatch open, int seconds, Supplier<T> work) {
        return transaction.execute(status -> {
            var result = work.get();
            open.countDown();
            jdbc.execute("select pg_sleep(" + seconds + ")");
            return result;
        });
    }

    private static void outcome(String who, CompletableFuture<?> future, List<String> failures) throws Exception {
        if (future == null) {
            return;
        }
        try {
            future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            failures.add(who + ": " + describe(failed.getCause()));
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not let go within " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> CompletableFuture<T> inBackground(String name, Callable<T> work) {
        var result = new CompletableFuture<T>();
        var thread = new Thread(() -> {
            try {
                result.complete(work.call());
            } catch (Throwable failure) {
                result.completeExceptionally(failure);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static Thread thread(Round round, String name, Runnable body) {
        var thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable failure) {
                round.unexpected(name + " died", failure);
            }
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void inTransaction(Runnable work) {
        transaction.executeWithoutResult(status -> work.run());
    }

    private static long currentFencing(UUID sagaId) {
        return jdbc.queryForObject("select coalesce((select fencing from saga.saga_instance where id = ?), "
                + Long.MAX_VALUE + ")", Long.class, sagaId);
    }

    private static int backendsWaitingOnALock(String statementStart) {
        return count("select count(*) from pg_stat_activity where datname = current_database()"
                + " and wait_event_type = 'Lock' and query like '" + statementStart + "%'");
    }

    private static int count(String sql) {
        return jdbc.queryForObject(sql, Integer.class);
    }

    private static void clearTables() {
        jdbc.execute("truncate saga.saga_step, saga.saga_signal, saga.saga_outbox, saga.saga_instance,"
                + " saga_test.fence_log, saga_test.lease_log");
    }

    private static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }

    private static String describe(Throwable failure) {
        var state = sqlState(failure);
        var root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return failure.getClass().getSimpleName() + (state == null ? "" : " (SQLSTATE " + state + ")") + ": "
                + root.getMessage();
    }
}
