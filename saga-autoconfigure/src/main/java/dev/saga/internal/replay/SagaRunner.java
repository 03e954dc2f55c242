package dev.saga.internal.replay;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ReflectionUtils;

import dev.saga.SagaStatus;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.CompensationOutcome;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.LedgerStore;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.spi.SagaContextHolder;

/**
 * Runs one claimed saga as far as it can go now: forward by replaying its entry method, or
 * backward through its compensations; then records where it stopped (finished, suspended until a
 * due time, or parked) together with the outbox change, in one transaction.
 */
public final class SagaRunner {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);
    private static final Duration RETRY_AFTER_UNEXPECTED_FAILURE = Duration.ofSeconds(1);

    private final SagaRegistry registry;
    private final LedgerStore ledger;
    private final OutboxStore outbox;
    private final PayloadCodec codec;
    private final ReplayEngine engine;
    private final Compensator compensator;
    private final TransactionTemplate transaction;
    private final Function<String, Object> beans;
    private final String nodeId;
    private final int maxRecoveryAttempts;

    public SagaRunner(SagaRegistry registry, LedgerStore ledger, OutboxStore outbox, PayloadCodec codec,
            ReplayEngine engine, Compensator compensator, PlatformTransactionManager transactionManager,
            Function<String, Object> beans, String nodeId, int maxRecoveryAttempts) {
        this.registry = registry;
        this.ledger = ledger;
        this.outbox = outbox;
        this.codec = codec;
        this.engine = engine;
        this.compensator = compensator;
        this.transaction = new TransactionTemplate(transactionManager);
        this.beans = beans;
        this.nodeId = nodeId;
        this.maxRecoveryAttempts = maxRecoveryAttempts;
    }

    public String nodeId() {
        return nodeId;
    }

    /** Runs the claimed saga; never throws. */
    public void run(Claim claim) {
        var fence = new Fence(claim.sagaId(), claim.fencing());
        MDC.put("sagaId", claim.sagaId().toString());
        try {
            var instance = ledger.findInstance(claim.sagaId()).orElse(null);
            if (instance == null) {
                return; // deleted meanwhile; its outbox row went with it
            }
            if (instance.status().isTerminal()) {
                transaction.executeWithoutResult(status -> outbox.remove(claim.sagaId(), nodeId));
                return;
            }
            var saga = registry.saga(instance.name()).orElse(null);
            if (saga == null) {
                finish(fence, SagaStatus.PARKED, null, "No saga named '" + instance.name() + "' is deployed on node "
                        + nodeId + "; deploy it (or retry the saga from a node that has it)");
                return;
            }
            MDC.put("saga", saga.name());
            if (claim.recoveries() > maxRecoveryAttempts) {
                var reason = "Parked as a poison saga: its node stopped renewing the lease without recording an"
                        + " outcome " + claim.recoveries() + " times (saga.max-recovery-attempts is "
                        + maxRecoveryAttempts + "); a run may be crashing its node. Find the cause in the logs of"
                        + " the nodes that ran it, then retry it";
                log.error("Saga {} parked: {}", claim.sagaId(), reason);
                finish(fence, SagaStatus.PARKED, null, reason);
                return;
            }
            if (instance.status() == SagaStatus.RUNNING) {
                runForward(fence, saga, instance);
            } else if (instance.status() == SagaStatus.COMPENSATING) {
                compensate(fence, saga.name(), instance.error());
            }
        } catch (FencedOffException | SagaControl.Abandon lost) {
            log.info("Saga {}: this node lost its claim; another node goes on with it ({})", claim.sagaId(),
                    lost.getMessage());
        } catch (RuntimeException | LinkageError | AssertionError unexpected) {
            log.error("Saga {}: run failed unexpectedly; it is tried again shortly", claim.sagaId(), unexpected);
            releaseQuietly(claim);
        } finally {
            MDC.remove("sagaId");
            MDC.remove("saga");
        }
    }

    private void runForward(Fence fence, SagaDefinition saga, InstanceRecord instance) {
        var execution = new SagaExecution(fence, saga, ledger.steps(fence.sagaId()), engine);
        String outputJson;
        var previous = SagaContextHolder.bind(execution);
        try {
            // an output that cannot be stored fails the saga like any other error
            outputJson = codec.write(invokeEntry(saga, instance), "output of saga " + saga.name());
        } catch (SagaControl.Suspend suspend) {
            transaction.executeWithoutResult(status -> {
                if (!outbox.release(fence.sagaId(), nodeId, suspend.resumeAfter())) {
                    throw new FencedOffException(fence.sagaId(), fence.fencing());
                }
            });
            return;
        } catch (SagaControl.NonDeterminism nonDeterminism) {
            log.error("Saga {} parked: {}", fence.sagaId(), nonDeterminism.getMessage());
            finish(fence, SagaStatus.PARKED, null, nonDeterminism.getMessage());
            return;
        } catch (SagaControl.Fail fail) {
            log.error("Saga {} FAILED: {}", fence.sagaId(), fail.getMessage());
            finish(fence, SagaStatus.FAILED, null, fail.getMessage());
            return;
        } catch (SagaControl.Abandon abandon) {
            throw abandon;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            var error = ErrorText.of(failure);
            if (execution.completedPivot() != null) {
                var reason = "Failed after pivot step '" + execution.completedPivot() + "' completed, so it is not"
                        + " compensated; fix the cause and retry it: " + error;
                log.error("Saga {} parked: {}", fence.sagaId(), reason);
                finish(fence, SagaStatus.PARKED, null, reason);
                return;
            }
            log.info("Saga {} failed, compensating: {}", fence.sagaId(), error);
            transaction.executeWithoutResult(status ->
                    ledger.updateStatus(fence, SagaStatus.COMPENSATING, null, error));
            compensate(fence, saga.name(), error);
            return;
        } finally {
            SagaContextHolder.restore(previous);
        }
        finish(fence, SagaStatus.COMPLETED, outputJson, null);
        log.debug("Saga {} completed", fence.sagaId());
    }

    private void compensate(Fence fence, String sagaName, String sagaError) {
        var outcome = compensator.compensate(fence, sagaName, Integer.MAX_VALUE);
        if (outcome instanceof CompensationOutcome.Compensated) {
            finish(fence, SagaStatus.COMPENSATED, null, null);
            log.info("Saga {} compensated", fence.sagaId());
        } else if (outcome instanceof CompensationOutcome.RetryLater later) {
            transaction.executeWithoutResult(status -> {
                if (!outbox.release(fence.sagaId(), nodeId, later.delay())) {
                    throw new FencedOffException(fence.sagaId(), fence.fencing());
                }
            });
        } else if (outcome instanceof CompensationOutcome.Failed failed) {
            log.error("Saga {} FAILED: {}", fence.sagaId(), failed.error());
            finish(fence, SagaStatus.FAILED, null, failed.error()
                    + (sagaError == null ? "" : " (the saga had failed with: " + sagaError + ")"));
        }
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

    /** Records the terminal status and removes the saga's work, in one transaction. */
    private void finish(Fence fence, SagaStatus status, String outputJson, String error) {
        transaction.executeWithoutResult(tx -> {
            if (!outbox.remove(fence.sagaId(), nodeId)) {
                throw new FencedOffException(fence.sagaId(), fence.fencing());
            }
            ledger.updateStatus(fence, status, outputJson, error);
        });
    }

    private void releaseQuietly(Claim claim) {
        try {
            outbox.release(claim.sagaId(), nodeId, RETRY_AFTER_UNEXPECTED_FAILURE);
        } catch (RuntimeException e) {
            log.warn("Saga {}: could not release the claim ({}); it is tried again when the lease runs out",
                    claim.sagaId(), e.getMessage());
        }
    }
}
