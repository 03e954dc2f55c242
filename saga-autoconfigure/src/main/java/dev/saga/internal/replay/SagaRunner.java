package dev.saga.internal.replay;

import java.time.Duration;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.SagaStatus;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.OutageLog;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.time.SagaClock;

/**
 * Runs one claimed saga as far as it can go now: forward by replaying its entry method, or
 * backward through its compensations; then records where it stopped (finished, suspended until a
 * due time, or parked) together with the outbox change, in one transaction.
 */
public final class SagaRunner {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);
    private static final Duration RETRY_AFTER_UNEXPECTED_FAILURE = Duration.ofSeconds(1);

    /** What the runner needs besides the stores. */
    public record Settings(String nodeId, int maxRecoveryAttempts) {
    }

    private final SagaRegistry registry;
    private final InstanceQueries queries;
    private final OutboxStore outbox;
    private final TransactionTemplate transaction;
    private final SagaClock clock;
    private final Settings settings;
    private final SagaEvents events;
    private final OutageLog engineFailures;
    private final RunEndings endings;
    private final ForwardRun forward;

    public SagaRunner(SagaRegistry registry, StepStore steps, SignalStore signals, OutboxStore outbox,
            InstanceStore instances, InstanceQueries queries,
            PayloadCodec codec, ReplayEngine engine, Compensator compensator,
            PlatformTransactionManager transactionManager, Function<String, Object> beans, SagaClock clock,
            Settings settings, SagaEvents events) {
        this.registry = registry;
        this.queries = queries;
        this.outbox = outbox;
        this.transaction = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.settings = settings;
        this.events = events;
        this.engineFailures = new OutageLog(log, "Saga runs on node " + settings.nodeId(), "write to the ledger",
                "Each run ended so is released and tried again shortly");
        this.endings = new RunEndings(instances, outbox, compensator, transaction, clock, events, settings.nodeId());
        this.forward = new ForwardRun(steps, instances, signals, outbox, codec, engine, transaction, beans, clock,
                endings, settings.nodeId());
    }

    public String nodeId() {
        return settings.nodeId();
    }

    /** Runs the claimed saga; never throws. */
    public RunOutcome run(Claim claim) {
        MDC.put("sagaId", claim.sagaId().toString());
        try {
            return runFound(claim);
        } catch (FencedOffException | SagaControl.Abandon lost) {
            log.info("Saga {}: this node lost its claim; another node goes on with it ({})", claim.sagaId(),
                    lost.getMessage());
            return new RunOutcome.Abandoned();
        } catch (SagaControl.EngineFailure failure) {
            engineFailures.failed(failure.getCause());
            return releaseQuietly(claim, failure.getCause());
        } catch (DataAccessException | TransactionException | EngineWriteException failure) {
            // finishing, releasing or starting to compensate: the engine's write, not the saga's failure
            engineFailures.failed(failure);
            return releaseQuietly(claim, failure);
        } catch (RuntimeException | LinkageError | AssertionError unexpected) {
            log.error("Saga {}: run failed unexpectedly; it is tried again shortly", claim.sagaId(), unexpected);
            return releaseQuietly(claim, unexpected);
        } finally {
            MDC.remove("sagaId");
            MDC.remove("saga");
        }
    }

    private RunOutcome runFound(Claim claim) {
        var fence = new Fence(claim.sagaId(), claim.fencing(), nodeId());
        var instance = claim.startedHere() != null ? claim.startedHere()
                : queries.findInstance(claim.sagaId()).orElse(null);
        if (instance == null) {
            return new RunOutcome.NothingToRun(); // deleted meanwhile; its outbox row went with it
        }
        if (instance.saga().status().isTerminal()) {
            transaction.executeWithoutResult(status -> outbox.remove(claim.sagaId(), nodeId()));
            return new RunOutcome.NothingToRun();
        }
        var saga = registry.saga(instance.saga().name(), instance.saga().version()).orElse(null);
        if (saga == null) {
            return endings.park(fence, notDeployed(instance));
        }
        MDC.put("saga", saga.name());
        var outcome = events.observeRun(saga.name(), instance.traceContext(),
                () -> runClaimed(claim, fence, saga, instance));
        engineFailures.succeeded();
        return outcome;
    }

    private RunOutcome runClaimed(Claim claim, Fence fence, SagaDefinition saga, InstanceRecord instance) {
        if (claim.recoveries() > settings.maxRecoveryAttempts()) {
            return endings.park(fence, "Parked as a poison saga: its node stopped renewing the lease without"
                    + " recording an outcome " + claim.recoveries() + " times (saga.max-recovery-attempts is "
                    + settings.maxRecoveryAttempts() + "); a run may be crashing its node. Find the cause in the"
                    + " logs of the nodes that ran it, then retry it");
        }
        if (instance.saga().status() == SagaStatus.COMPENSATING) {
            return endings.compensate(claim, fence, saga.name(), instance.saga().run(), instance.saga().error(),
                    instance.cancelReason() != null);
        }
        if (instance.cancelReason() != null) {
            return endings.startCompensating(claim, fence, saga.name(), instance.saga().run(),
                    RunEndings.cancelled(instance.cancelReason()), true);
        }
        return forward.run(claim, fence, saga, instance);
    }

    private String notDeployed(InstanceRecord instance) {
        var deployed = registry.versions(instance.saga().name());
        return "Saga '" + instance.saga().name() + "' version " + instance.saga().version()
                + " is not deployed on node " + nodeId()
                + (deployed.isEmpty() ? " (no version of it is)" : " (deployed versions: " + deployed + ")")
                + "; deploy version " + instance.saga().version() + " again beside the newer one until its sagas have"
                + " finished, then retry this saga";
    }

    private RunOutcome releaseQuietly(Claim claim, Throwable failure) {
        try {
            outbox.release(claim, nodeId(), clock.now().plus(RETRY_AFTER_UNEXPECTED_FAILURE), clock.now());
        } catch (RuntimeException e) {
            // the failure that ended the run was logged already; without a release the lease runs out
            log.debug("Saga {}: could not release the claim ({}); it is tried again when the lease runs out",
                    claim.sagaId(), e.getMessage());
        }
        return new RunOutcome.RunFailed(failure);
    }
}
