package dev.saga.chaos;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.saga.SagaClient;
import dev.saga.SignalResult;
import dev.saga.StartOptions;
import dev.saga.UnknownSagaException;

/**
 * The faults an application can cause the engine from its own transactions, which the
 * orchestrator calls during the run: a transaction that stays open after a signal, one that
 * commits a batch of starts late, and an operator's retry that holds its transaction a little
 * while retention deletes failed sagas.
 */
@RestController
public class FaultController {

    private static final Logger log = LoggerFactory.getLogger(FaultController.class);

    /**
     * A saga this node runs right now (its outbox row claimed by this node under a lease that has not
     * run out), other than the given one. Read from the engine's tables because no API tells where a
     * saga runs.
     */
    private static final String RUNNING_HERE = "select o.saga_id from saga.saga_outbox o"
            + " join saga.saga_instance i on i.id = o.saga_id"
            + " where o.claimed_by = ? and o.due_at > now() and o.saga_id <> ? and i.status = 'RUNNING'"
            + " and i.name in ('transfer', 'approval') order by random() limit 1";

    /** Any saga running right now, on any node. */
    private static final String A_RUNNING_SAGA = "select o.saga_id from saga.saga_outbox o"
            + " join saga.saga_instance i on i.id = o.saga_id"
            + " where o.claimed_by is not null and o.due_at > now() and i.status = 'RUNNING'"
            + " and i.name in ('transfer', 'approval') order by random() limit 1";

    private final SagaClient sagas;
    private final SlowPayee slowPayee;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final String node;

    public FaultController(SagaClient sagas, SlowPayee slowPayee, JdbcTemplate jdbc,
            PlatformTransactionManager transactionManager, @Value("${saga.dispatcher.node-id}") String node) {
        this.sagas = sagas;
        this.slowPayee = slowPayee;
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactionManager);
        this.node = node;
    }

    /**
     * Signals {@code noise} (which no wait consumes) to a saga this node runs, then keeps the
     * transaction open for {@code holdMillis} (longer than a lease) before it commits: the signal's
     * row locks are held all that time. First it makes this node's next payee slow
     * ({@link SlowPayee}) and waits up to {@code seekMillis} for it to begin, so that a step is in
     * flight whose lease must be renewed meanwhile; the signalled saga is another one, if this node
     * runs another, else the slow one (or, with neither, any running saga).
     */
    @PostMapping("/chaos/hold-signal")
    public Map<String, Object> holdSignal(@RequestParam long holdMillis, @RequestParam long seekMillis) {
        UUID slow = slowStep(seekMillis);
        var answer = transaction.execute(status -> {
            var running = jdbc.queryForList(RUNNING_HERE, UUID.class, node, slow == null ? new UUID(0, 0) : slow);
            if (running.isEmpty()) {
                running = slow == null ? jdbc.queryForList(A_RUNNING_SAGA, UUID.class) : java.util.List.of(slow);
            }
            int delivered = 0;
            for (UUID id : running) {
                if (sagas.signal(id, "noise", "noise from " + node) == SignalResult.DELIVERED) {
                    delivered++;
                }
            }
            pause(holdMillis);
            return Map.<String, Object>of("node", node, "signalled", delivered, "sagas", running.toString(),
                    "nextToSlowStep", slow != null && !running.contains(slow));
        });
        log.info("Signalled {} running saga {} (slow step in flight here: {}) in a transaction held {} ms",
                answer.get("signalled"), answer.get("sagas"), slow, holdMillis);
        return answer;
    }

    /** The saga whose payee this node made slow, once its call began; null if none began within {@code seekMillis}. */
    private UUID slowStep(long seekMillis) {
        var slow = slowPayee.request();
        try {
            return slow.get(seekMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException none) {
            slowPayee.withdraw(slow);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a slow step");
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible.getCause());
        }
    }

    /**
     * Starts sagas number {@code from} to {@code from + count - 1} in one transaction that sleeps
     * {@code holdMillis} (longer than a lease) before it commits. Sagas this node has free workers
     * for are written claimed by it, with a lease that has run out by the commit.
     */
    @PostMapping("/chaos/start-late")
    public Map<String, Object> startLate(@RequestParam int from, @RequestParam int count,
            @RequestParam long holdMillis) {
        var keys = new String[count];
        log.info("Starting sagas {} to {} in a transaction held {} ms", from, from + count - 1, holdMillis);
        transaction.executeWithoutResult(status -> {
            for (int n = from; n < from + count; n++) {
                var key = LoadController.businessKey(n);
                keys[n - from] = key;
                sagas.start(LoadController.kind(n), new ChaosInput(key), StartOptions.businessKey(key));
            }
            pause(holdMillis);
        });
        // read back after the commit, by a connection of its own: the orchestrator checks that it took
        int visible = jdbc.queryForObject("select count(*) from saga.saga_instance where business_key = any(?)",
                Integer.class, (Object) keys);
        log.info("Started sagas {} to {} in a transaction held {} ms; {} of them visible after its commit", from,
                from + count - 1, holdMillis, visible);
        return Map.of("node", node, "started", count, "visible", visible);
    }

    /**
     * An operator's retry of a FAILED saga, in a transaction that stays open {@code holdMillis}
     * after it (as a tool that also writes its audit record would): {@code retried}, {@code gone}
     * (retention deleted the saga first) or {@code not-failed} (it is no longer FAILED: retried
     * already, for instance by an earlier request whose answer was lost).
     */
    @PostMapping("/chaos/retry")
    public Map<String, Object> retry(@RequestParam UUID id, @RequestParam long holdMillis) {
        String outcome;
        try {
            transaction.executeWithoutResult(status -> {
                sagas.retry(id);
                pause(holdMillis);
            });
            outcome = "retried";
        } catch (UnknownSagaException gone) {
            outcome = "gone";
        } catch (IllegalStateException notFailed) {
            outcome = "not-failed";
        }
        log.info("Operator retry of saga {} in a transaction held {} ms: {}", id, holdMillis, outcome);
        return Map.of("node", node, "outcome", outcome);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the fault itself: a transaction kept open
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while holding the transaction open");
        }
    }
}
