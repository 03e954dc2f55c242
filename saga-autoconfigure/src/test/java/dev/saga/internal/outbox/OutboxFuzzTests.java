package dev.saga.internal.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.SagaStatus;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.testsupport.TestEngine;

/**
 * Claims, renewals, releases, confirmations, starts, wake-ups and finishes of a few sagas, called
 * by eight threads acting as eight dispatcher nodes in random interleavings against the real
 * database (in the style of ShedLock's {@code FuzzTester}). Each node remembers what it believes it
 * holds (fencing number, lease end); after every round, with all threads stopped, the invariants
 * are checked against the tables:
 * <ul>
 * <li>a saga is leased to at most one node at a time: at most one node believes it holds it with a
 *     lease not yet run out, and that node is the row's holder under the current fencing number;
 * <li>a node's renewal never extends a lease it lost (it would then believe in a lease it does not
 *     hold); a release, confirmation or finish fails only once the node's lease ran out;
 * <li>released work becomes claimable: unclaimed and due no later than it was released for;
 * <li>nothing is lost: every saga started is finished, or has its work in the outbox, and a claim
 *     far enough in the future gets all of that work.
 * </ul>
 * Time is the test's own clock, moved forward by the threads, so leases run out within a round.
 * The seed fixes every thread's choices (not the interleaving); a failure names it, and
 * {@code -Dsaga.fuzz.seed=...} runs those choices again.
 */
class OutboxFuzzTests {

    private static final Logger log = LoggerFactory.getLogger(OutboxFuzzTests.class);
    private static final int NODES = 8;
    private static final int STEPS_PER_ROUND = 30;
    private static final int MAX_ROUNDS = 40;
    private static final Duration TIME_BUDGET = Duration.ofSeconds(10);
    private static final int LIVE_SAGAS = 6;
    private static final long LEASE_MS = 40;
    /** The simulated nodes take nothing again by their own id: each claim is a plain claim or takeover. */
    private static final Instant NO_ADOPTION = Instant.parse("9999-01-01T00:00:00Z");

    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static ClaimStore claims;
    private static OutboxStore outbox;
    private static CallerWrites writes;
    private static InstanceStore instances;
    private static TransactionTemplate transaction;
    private static JdbcTemplate jdbc;

    private final AtomicLong clockMs = new AtomicLong();
    private final AtomicLong takeovers = new AtomicLong();
    private final AtomicLong renewals = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong releases = new AtomicLong();
    private final Instant epoch = Instant.parse("2030-01-01T00:00:00Z");
    private final List<UUID> started = new CopyOnWriteArrayList<>();
    private final Set<UUID> finished = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startAnEngineWhoseDispatcherIsOff() {
        engine = new TestEngine();
        node = engine.startNode(List.of(), List.of("saga.dispatcher.enabled=false",
                "spring.datasource.hikari.maximum-pool-size=20"), context -> {
                });
        claims = node.getBean(ClaimStore.class);
        outbox = node.getBean(OutboxStore.class);
        writes = node.getBean(CallerWrites.class);
        instances = node.getBean(InstanceStore.class);
        transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
        jdbc = TestEngine.jdbc(node);
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void leasesStayExclusiveAndNoWorkIsLostUnderRandomInterleavings() throws Exception {
        long seed = Long.getLong("saga.fuzz.seed", System.nanoTime());
        log.info("Seed {} (run again with -Dsaga.fuzz.seed={})", seed, seed);
        var nodes = new ArrayList<SimulatedNode>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(new SimulatedNode("node-" + i, new Random(seed + 31L * i)));
        }
        var pool = Executors.newFixedThreadPool(NODES);
        long deadline = System.nanoTime() + TIME_BUDGET.toNanos();
        int round = 0;
        try {
            while (round < MAX_ROUNDS && System.nanoTime() < deadline) {
                round++;
                var barrier = new CyclicBarrier(NODES);
                var steps = new ArrayList<Callable<Void>>();
                for (var simulated : nodes) {
                    steps.add(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        for (int step = 0; step < STEPS_PER_ROUND; step++) {
                            simulated.step();
                        }
                        return null;
                    });
                }
                for (var future : pool.invokeAll(steps, 30, TimeUnit.SECONDS)) {
                    future.get();
                }
                checkInvariants(nodes);
            }
        } catch (AssertionError | ExecutionException | RuntimeException e) {
            throw new AssertionError("Outbox fuzz failed in round " + round + " with seed " + seed
                    + " (run again with -Dsaga.fuzz.seed=" + seed + "): " + rootMessage(e), e);
        } finally {
            pool.shutdownNow();
        }
        log.info("Seed {}: {} rounds, {} sagas started, {} takeovers, {} renewals, {} releases, {} claims lost",
                seed, round, started.size(), takeovers.get(), renewals.get(), releases.get(), lost.get());
        // the rounds exercised what they are meant to check
        assertThat(started).as("sagas started (seed %d)", seed).hasSizeGreaterThan(LIVE_SAGAS);
        assertThat(takeovers.get()).as("claims taken over after a lease ran out (seed %d)", seed).isPositive();
        assertThat(renewals.get()).as("leases renewed (seed %d)", seed).isPositive();
        assertThat(releases.get()).as("claims given back (seed %d)", seed).isPositive();
        assertThat(lost.get()).as("releases, finishes or confirmations of a lost claim (seed %d)", seed).isPositive();
    }

    private Instant now() {
        return epoch.plusMillis(clockMs.get());
    }

    /** What a node believes it holds: the claim it took and the end of its lease. */
    private record Held(Claim claim, Instant leaseEnd) {
    }

    /** A release this node made: under that fencing number, due no later than then. */
    private record Released(long fencing, Instant due) {
    }

    /** One dispatcher node: its id, its choices, and what it believes it holds. */
    private final class SimulatedNode {

        private final String id;
        private final Random random;
        private final Map<UUID, Held> held = new HashMap<>();
        private final Map<UUID, Released> released = new HashMap<>();

        SimulatedNode(String id, Random random) {
            this.id = id;
            this.random = random;
        }

        void step() {
            int choice = random.nextInt(100);
            if (choice < 25) {
                claim();
            } else if (choice < 45) {
                renew();
            } else if (choice < 60) {
                release();
            } else if (choice < 68) {
                finish();
            } else if (choice < 83) {
                signal();
            } else {
                start();
            }
            clockMs.addAndGet(random.nextInt(4));
        }

        private void claim() {
            var now = now();
            var leaseEnd = now.plusMillis(LEASE_MS);
            for (var claim : claims.claim(id, 1 + random.nextInt(2), now, leaseEnd, NO_ADOPTION, held.keySet())) {
                held.put(claim.sagaId(), new Held(claim, leaseEnd));
                released.remove(claim.sagaId());
                if (claim.recoveries() > 0) {
                    takeovers.incrementAndGet();
                }
            }
        }

        private void renew() {
            var sagaId = anyHeld();
            if (sagaId == null) {
                return;
            }
            var leaseEnd = now().plusMillis(LEASE_MS);
            // one saga at a time, so the count says whether this lease was extended (0: lost, or skipped)
            if (claims.renew(id, Set.of(sagaId), leaseEnd) == 1) {
                held.put(sagaId, new Held(held.get(sagaId).claim(), leaseEnd));
                renewals.incrementAndGet();
            }
        }

        private void release() {
            var sagaId = anyHeld();
            if (sagaId == null) {
                return;
            }
            var mine = held.remove(sagaId);
            var now = now();
            var due = now.plusMillis(random.nextInt(20));
            if (outbox.release(mine.claim(), id, due, now)) {
                released.put(sagaId, new Released(mine.claim().fencing(), due));
                releases.incrementAndGet();
            } else {
                requireRunOut(mine, "release");
            }
        }

        private void finish() {
            var sagaId = anyHeld();
            if (sagaId == null) {
                return;
            }
            var mine = held.remove(sagaId);
            try {
                instances.finish(new Fence(sagaId, mine.claim().fencing(), id), SagaStatus.COMPLETED, "\"done\"",
                        null, now());
                finished.add(sagaId);
            } catch (FencedOffException lost) {
                requireRunOut(mine, "finish");
            }
        }

        /** A signal: the wake-up counted on the instance and the work woken, in the caller's transaction. */
        private void signal() {
            if (started.isEmpty()) {
                return;
            }
            var sagaId = started.get(random.nextInt(started.size()));
            transaction.executeWithoutResult(status -> {
                if (writes.countWakeUp(sagaId).isPresent()) {
                    outbox.wake(sagaId, now());
                }
            });
        }

        /** A start, due at once for any node, or held here and confirmed once committed. */
        private void start() {
            if (started.size() - finished.size() >= LIVE_SAGAS) {
                return;
            }
            var sagaId = UUID.randomUUID();
            var now = now();
            boolean here = random.nextBoolean();
            var leaseEnd = now.plusMillis(LEASE_MS);
            writes.insertInstance(sagaId, "fuzz", 1, null, "{}", null, now, here ? leaseEnd : now, here ? id : null,
                    here ? Claim.FIRST_FENCING : 0, null);
            started.add(sagaId);
            if (!here) {
                return;
            }
            var mine = new Held(new Claim(sagaId, Claim.FIRST_FENCING, 0, 0), leaseEnd);
            held.put(sagaId, mine);
            var confirmedUntil = now().plusMillis(LEASE_MS);
            if (claims.confirmStartedHere(sagaId, id, Claim.FIRST_FENCING, confirmedUntil)) {
                held.put(sagaId, new Held(mine.claim(), confirmedUntil));
            } else {
                held.remove(sagaId);
                requireRunOut(mine, "confirmation");
            }
        }

        private UUID anyHeld() {
            if (held.isEmpty()) {
                return null;
            }
            var ids = new ArrayList<>(held.keySet());
            ids.sort(null); // a HashMap's order is not the seed's
            return ids.get(random.nextInt(ids.size()));
        }

        /** A node loses a saga only to a node that claimed it after its lease ran out. */
        private void requireRunOut(Held mine, String what) {
            lost.incrementAndGet(); // counted before the check, so a failure here is counted too
            assertThat(mine.leaseEnd()).as("%s's %s of %s failed although its lease (to %s) had not run out",
                    id, what, mine.claim().sagaId(), mine.leaseEnd()).isBeforeOrEqualTo(now());
        }
    }

    private void checkInvariants(List<SimulatedNode> nodes) {
        var now = now();
        var fencing = new HashMap<UUID, Long>();
        jdbc.query("select id, fencing from saga.saga_instance", rs -> {
            fencing.put(rs.getObject(1, UUID.class), rs.getLong(2));
        });
        var holders = new HashMap<UUID, String>();
        var dueAt = new HashMap<UUID, Instant>();
        jdbc.query("select saga_id, claimed_by, due_at from saga.saga_outbox", rs -> {
            var sagaId = rs.getObject(1, UUID.class);
            holders.put(sagaId, rs.getString(2));
            dueAt.put(sagaId, rs.getObject(3, OffsetDateTime.class).toInstant());
        });

        var believedBy = new HashMap<UUID, List<String>>();
        for (var simulated : nodes) {
            simulated.held.forEach((sagaId, mine) -> {
                if (mine.leaseEnd().isAfter(now)) {
                    believedBy.computeIfAbsent(sagaId, key -> new ArrayList<>()).add(simulated.id);
                    assertThat(holders.get(sagaId)).as("%s believes it holds %s (lease to %s, now %s)", simulated.id,
                            sagaId, mine.leaseEnd(), now).isEqualTo(simulated.id);
                    assertThat(fencing.get(sagaId)).as("%s holds %s under fencing number %d", simulated.id, sagaId,
                            mine.claim().fencing()).isEqualTo(mine.claim().fencing());
                    assertThat(dueAt.get(sagaId)).as("the lease of %s on %s in the table", simulated.id, sagaId)
                            .isEqualTo(mine.leaseEnd());
                }
            });
            simulated.released.forEach((sagaId, release) -> {
                if (fencing.get(sagaId) == release.fencing() && holders.containsKey(sagaId)) {
                    assertThat(holders.get(sagaId)).as("%s released by %s and not claimed since", sagaId,
                            simulated.id).isNull();
                    assertThat(dueAt.get(sagaId)).as("%s released by %s due", sagaId, simulated.id)
                            .isBeforeOrEqualTo(release.due());
                }
            });
        }
        believedBy.forEach((sagaId, believers) -> assertThat(believers)
                .as("nodes holding %s with a lease not run out", sagaId).hasSize(1));

        assertThat(fencing.keySet()).as("every saga started exists").containsExactlyInAnyOrderElementsOf(started);
        var unfinished = new HashSet<>(started);
        unfinished.removeAll(finished);
        assertThat(holders.keySet()).as("work in the outbox: exactly the unfinished sagas")
                .containsExactlyInAnyOrderElementsOf(unfinished);
        assertThat(claimableInTheFarFuture()).as("claimable once every lease ran out")
                .containsExactlyInAnyOrderElementsOf(unfinished);
    }

    /** What a node would claim a day later, in a transaction rolled back. */
    private Set<UUID> claimableInTheFarFuture() {
        var later = now().plus(Duration.ofDays(1));
        return transaction.execute(status -> {
            status.setRollbackOnly();
            var sagaIds = new HashSet<UUID>();
            claims.claim("probe", 1000, later, later.plusMillis(LEASE_MS), NO_ADOPTION, Set.of())
                    .forEach(claim -> sagaIds.add(claim.sagaId()));
            return sagaIds;
        });
    }

    private static String rootMessage(Throwable e) {
        var cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage();
    }
}
