package dev.saga.internal.replay;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.saga.SagaStatus;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.CompensationOutcome;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.LedgerStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContextHolder;

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
    private final LedgerStore ledger;
    private final SignalStore signals;
    private final OutboxStore outbox;
    private final PayloadCodec codec;
    private final ReplayEngine engine;
    private final Compensator compensator;
    private final TransactionTemplate transaction;
    private final Function<String, Object> beans;
    private final SagaClock clock;
    private final Settings settings;
    private final SagaEvents events;
    private final EngineFailures engineFailures;
    /** How the run on this worker thread ended the saga, if it did; handed to the dispatcher. */
    private final ThreadLocal<LocalCompletions.Finished> finishedHere = new ThreadLocal<>();

    public SagaRunner(SagaRegistry registry, LedgerStore ledger, SignalStore signals, OutboxStore outbox,
            PayloadCodec codec, ReplayEngine engine, Compensator compensator,
            PlatformTransactionManager transactionManager, Function<String, Object> beans, SagaClock clock,
            Settings settings, SagaEvents events) {
        this.events = events;
        this.registry = registry;
        this.ledger = ledger;
        this.signals = signals;
        this.outbox = outbox;
        this.codec = codec;
        this.engine = engine;
        this.compensator = compensator;
        this.transaction = new TransactionTemplate(transactionManager);
        this.beans = beans;
        this.clock = clock;
        this.settings = settings;
        this.engineFailures = new EngineFailures(settings.nodeId());
    }

    public String nodeId() {
        return settings.nodeId();
    }

    /**
     * Runs the claimed saga; never throws.
     *
     * @return how the saga ended, when this run finished it (committed), else {@code null}
     */
    public LocalCompletions.Finished run(Claim claim) {
        try {
            runQuietly(claim);
            return finishedHere.get();
        } finally {
            finishedHere.remove();
        }
    }

    private void runQuietly(Claim claim) {
        var fence = new Fence(claim.sagaId(), claim.fencing(), nodeId());
        MDC.put("sagaId", claim.sagaId().toString());
        try {
            var instance = claim.startedHere() != null ? claim.startedHere()
                    : ledger.findInstance(claim.sagaId()).orElse(null);
            if (instance == null) {
                return; // deleted meanwhile; its outbox row went with it
            }
            if (instance.status().isTerminal()) {
                transaction.executeWithoutResult(status -> outbox.remove(claim.sagaId(), nodeId()));
                return;
            }
            var saga = registry.saga(instance.name(), instance.version()).orElse(null);
            if (saga == null) {
                park(fence, notDeployed(instance));
                return;
            }
            MDC.put("saga", saga.name());
            events.observeRun(saga.name(), () -> runClaimed(claim, fence, saga, instance));
            engineFailures.succeeded();
        } catch (FencedOffException | SagaControl.Abandon lost) {
            log.info("Saga {}: this node lost its claim; another node goes on with it ({})", claim.sagaId(),
                    lost.getMessage());
        } catch (SagaControl.EngineFailure failure) {
            engineFailures.failed(claim.sagaId(), failure.getCause());
            releaseQuietly(claim);
        } catch (DataAccessException | TransactionException | EngineWriteException failure) {
            // finishing, releasing or starting to compensate: the engine's write, not the saga's failure
            engineFailures.failed(claim.sagaId(), failure);
            releaseQuietly(claim);
        } catch (RuntimeException | LinkageError | AssertionError unexpected) {
            log.error("Saga {}: run failed unexpectedly; it is tried again shortly", claim.sagaId(), unexpected);
            releaseQuietly(claim);
        } finally {
            MDC.remove("sagaId");
            MDC.remove("saga");
        }
    }

    private void runClaimed(Claim claim, Fence fence, SagaDefinition saga, InstanceRecord instance) {
        if (claim.recoveries() > settings.maxRecoveryAttempts()) {
            park(fence, "Parked as a poison saga: its node stopped renewing the lease without recording an"
                    + " outcome " + claim.recoveries() + " times (saga.max-recovery-attempts is "
                    + settings.maxRecoveryAttempts() + "); a run may be crashing its node. Find the cause in the"
                    + " logs of the nodes that ran it, then retry it");
            return;
        }
        if (instance.status() == SagaStatus.COMPENSATING) {
            compensate(claim, fence, saga, instance.run(), instance.error(), instance.cancelReason() != null);
        } else if (instance.cancelReason() != null) {
            startCompensating(claim, fence, saga, instance.run(), cancelled(instance.cancelReason()), true);
        } else {
            runForward(claim, fence, saga, instance);
        }
    }

    private void runForward(Claim claim, Fence fence, SagaDefinition saga, InstanceRecord instance) {
        var history = claim.startedHere() != null ? List.<StepRecord>of() : ledger.steps(fence.sagaId());
        var execution = new SagaExecution(fence, saga, instance.run(), history, engine);
        String outputJson;
        var previous = SagaContextHolder.bind(execution);
        try {
            // an output that cannot be stored fails the saga like any other error
            outputJson = codec.write(invokeEntry(saga, instance), "output of saga " + saga.name());
        } catch (SagaControl.Suspend suspend) {
            release(claim, suspend.resumeAfter());
            return;
        } catch (SagaControl.ContinueAsNew next) {
            continueAsNew(claim, fence, saga, instance.run(), next.input());
            return;
        } catch (SagaControl.NonDeterminism nonDeterminism) {
            park(fence, nonDeterminism.getMessage());
            return;
        } catch (SagaControl.Fail fail) {
            log.error("Saga {} FAILED: {}", fence.sagaId(), fail.getMessage());
            finish(fence, SagaStatus.FAILED, null, fail.getMessage());
            return;
        } catch (SagaControl.Cancel cancel) {
            startCompensating(claim, fence, saga, instance.run(), cancelled(cancel.getMessage()), true);
            return;
        } catch (SagaControl.Abandon | SagaControl.EngineFailure notTheSagas) {
            throw notTheSagas;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            var error = ErrorText.of(failure);
            if (execution.completedPivot() != null) {
                park(fence, "Failed after pivot step '" + execution.completedPivot() + "' completed, so it is not"
                        + " compensated; fix the cause and retry it: " + error);
                return;
            }
            log.info("Saga {} failed, compensating: {}", fence.sagaId(), error);
            startCompensating(claim, fence, saga, instance.run(), error, false);
            return;
        } finally {
            SagaContextHolder.restore(previous);
        }
        finish(fence, SagaStatus.COMPLETED, outputJson, null);
        log.debug("Saga {} completed", fence.sagaId());
    }

    private void startCompensating(Claim claim, Fence fence, SagaDefinition saga, int run, String error,
            boolean cancelled) {
        if (cancelled) {
            var pivot = compensator.completedPivot(fence.sagaId());
            if (pivot.isPresent()) {
                park(fence, error + "; but pivot step '" + pivot.get() + "' completed, so the saga is not undone past"
                        + " its point of no return: finish or fix it by hand");
                return;
            }
        }
        transaction.executeWithoutResult(status -> ledger.updateStatus(fence, SagaStatus.COMPENSATING, null, error,
                clock.now()));
        compensate(claim, fence, saga, run, error, cancelled);
    }

    private void compensate(Claim claim, Fence fence, SagaDefinition saga, int run, String sagaError,
            boolean cancelled) {
        var outcome = compensator.compensate(fence, saga.name(), run, Integer.MAX_VALUE);
        if (outcome instanceof CompensationOutcome.Compensated) {
            finish(fence, cancelled ? SagaStatus.CANCELLED : SagaStatus.COMPENSATED, null, null);
            log.info("Saga {} {}", fence.sagaId(), cancelled ? "cancelled and compensated" : "compensated");
        } else if (outcome instanceof CompensationOutcome.RetryLater later) {
            release(claim, later.delay());
        } else if (outcome instanceof CompensationOutcome.Failed failed) {
            log.error("Saga {} FAILED: {}", fence.sagaId(), failed.error());
            finish(fence, SagaStatus.FAILED, null, failed.error()
                    + (sagaError == null ? "" : " (the saga had failed with: " + sagaError + ")"));
        }
    }

    private void continueAsNew(Claim claim, Fence fence, SagaDefinition saga, int run, Object input) {
        if (saga.takesInput() && input != null
                && !ClassUtils.resolvePrimitiveIfNecessary(saga.entryMethod().getParameterTypes()[0]).isInstance(input)) {
            startCompensating(claim, fence, saga, run, "java.lang.IllegalArgumentException: Sagas.continueAsNew(...) was"
                    + " given a " + input.getClass().getName() + " but saga '" + saga.name() + "' takes a "
                    + saga.entryMethod().getParameterTypes()[0].getName(), false);
            return;
        }
        String inputJson;
        try {
            inputJson = codec.write(saga.takesInput() ? input : null, "input of saga " + saga.name());
        } catch (RuntimeException unstorable) {
            startCompensating(claim, fence, saga, run, ErrorText.of(unstorable), false);
            return;
        }
        transaction.executeWithoutResult(status -> {
            ledger.continueAsNew(fence, inputJson);
            signals.forgetConsumed(fence.sagaId());
            requireClaim(fence, outbox.release(claim, nodeId(), clock.now(), clock.now()));
        });
        log.debug("Saga {} continues as new", fence.sagaId());
    }

    private Object invokeEntry(SagaDefinition saga, InstanceRecord instance) throws Throwable {
        Object bean = beans.apply(saga.beanName());
        Object[] arguments = saga.takesInput()
                ? new Object[] {codec.read(instance.input(), saga.inputType(), "input of saga " + saga.name())}
                : new Object[0];
        var entry = saga.entryMethod();
        ReflectionUtils.makeAccessible(entry);
        try {
            return entry.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void release(Claim claim, Duration resumeAfter) {
        var now = clock.now();
        transaction.executeWithoutResult(status -> requireClaim(new Fence(claim.sagaId(), claim.fencing(), nodeId()),
                outbox.release(claim, nodeId(), now.plus(resumeAfter), now)));
    }

    private void park(Fence fence, String reason) {
        log.error("Saga {} parked: {}", fence.sagaId(), reason);
        finish(fence, SagaStatus.PARKED, null, reason);
    }

    /** Records the terminal status and removes the saga's work, in one statement. */
    private void finish(Fence fence, SagaStatus status, String outputJson, String error) {
        var now = clock.now();
        var finished = ledger.finish(fence, status, outputJson, error, now);
        finishedHere.set(new LocalCompletions.Finished(finished.name(), status, finished.output(), finished.error()));
        events.sagaFinished(finished.name(), status, Duration.between(finished.createdAt(), now));
    }

    private String notDeployed(InstanceRecord instance) {
        var deployed = registry.versions(instance.name());
        return "Saga '" + instance.name() + "' version " + instance.version() + " is not deployed on node " + nodeId()
                + (deployed.isEmpty() ? " (no version of it is)" : " (deployed versions: " + deployed + ")")
                + "; deploy version " + instance.version() + " again beside the newer one until its sagas have"
                + " finished, then retry this saga";
    }

    private static String cancelled(String reason) {
        return "Cancelled: " + reason;
    }

    private static void requireClaim(Fence fence, boolean held) {
        if (!held) {
            throw new FencedOffException(fence.sagaId(), fence.fencing());
        }
    }

    private void releaseQuietly(Claim claim) {
        try {
            outbox.release(claim, nodeId(), clock.now().plus(RETRY_AFTER_UNEXPECTED_FAILURE), clock.now());
        } catch (RuntimeException e) {
            // the failure that ended the run was logged already; without a release the lease runs out
            log.debug("Saga {}: could not release the claim ({}); it is tried again when the lease runs out",
                    claim.sagaId(), e.getMessage());
        }
    }
}
