package dev.saga.internal.replay;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.saga.SagaStatus;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.Fence;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContextHolder;

/**
 * A saga going forward: its entry method replayed from the top with the run's context bound to
 * the thread. What it returns, throws or asks for (a wait, continue-as-new) decides how the run ends.
 */
final class ForwardRun {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);

    private final StepStore steps;
    private final InstanceStore instances;
    private final SignalStore signals;
    private final OutboxStore outbox;
    private final PayloadCodec codec;
    private final ReplayEngine engine;
    private final TransactionTemplate transaction;
    private final Function<String, Object> beans;
    private final SagaClock clock;
    private final RunEndings endings;
    private final String nodeId;

    ForwardRun(StepStore steps, InstanceStore instances, SignalStore signals, OutboxStore outbox,
            PayloadCodec codec, ReplayEngine engine,
            TransactionTemplate transaction, Function<String, Object> beans, SagaClock clock, RunEndings endings,
            String nodeId) {
        this.steps = steps;
        this.instances = instances;
        this.signals = signals;
        this.outbox = outbox;
        this.codec = codec;
        this.engine = engine;
        this.transaction = transaction;
        this.beans = beans;
        this.clock = clock;
        this.endings = endings;
        this.nodeId = nodeId;
    }

    RunOutcome run(Claim claim, Fence fence, SagaDefinition saga, InstanceRecord instance) {
        var history = claim.startedHere() != null ? List.<StepRecord>of() : steps.steps(fence.sagaId());
        var execution = new SagaExecution(fence, saga, instance.saga().run());
        String outputJson;
        var previous = SagaContextHolder.bind(engine.open(execution, history));
        try {
            // an output that cannot be stored fails the saga like any other error
            outputJson = codec.write(invokeEntry(saga, instance), "output of saga " + saga.name());
        } catch (SagaControl.Suspend suspend) {
            return endings.release(claim, suspend.resumeAfter());
        } catch (SagaControl.ContinueAsNew next) {
            return continueAsNew(claim, fence, saga, instance.saga().run(), next.input());
        } catch (SagaControl.NonDeterminism nonDeterminism) {
            return endings.park(fence, nonDeterminism.getMessage());
        } catch (SagaControl.Fail fail) {
            log.error("Saga {} FAILED: {}", fence.sagaId(), fail.getMessage());
            return endings.finish(fence, SagaStatus.FAILED, null, fail.getMessage());
        } catch (SagaControl.Cancel cancel) {
            return endings.startCompensating(claim, fence, saga.name(), instance.saga().run(),
                    RunEndings.cancelled(cancel.getMessage()), true);
        } catch (SagaControl.Abandon | SagaControl.EngineFailure notTheSagas) {
            throw notTheSagas;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            return failed(claim, fence, saga, execution, ErrorText.of(failure));
        } finally {
            SagaContextHolder.restore(previous);
        }
        var finished = endings.finish(fence, SagaStatus.COMPLETED, outputJson, null);
        log.debug("Saga {} completed", fence.sagaId());
        return finished;
    }

    /** The saga threw: compensated, unless it passed its point of no return. */
    private RunOutcome failed(Claim claim, Fence fence, SagaDefinition saga, SagaExecution execution, String error) {
        if (execution.completedPivot() != null) {
            return endings.park(fence, "Failed after pivot step '" + execution.completedPivot() + "' completed, so it"
                    + " is not compensated; fix the cause and retry it: " + error);
        }
        log.info("Saga {} failed, compensating: {}", fence.sagaId(), error);
        return endings.startCompensating(claim, fence, saga.name(), execution.run(), error, false);
    }

    private RunOutcome continueAsNew(Claim claim, Fence fence, SagaDefinition saga, int run, @Nullable Object input) {
        var inputType = saga.takesInput() ? saga.entryMethod().getParameterTypes()[0] : null;
        if (inputType != null && input != null
                && !ClassUtils.resolvePrimitiveIfNecessary(inputType).isInstance(input)) {
            return endings.startCompensating(claim, fence, saga.name(), run, "java.lang.IllegalArgumentException:"
                    + " Sagas.continueAsNew(...) was given a " + input.getClass().getName() + " but saga '"
                    + saga.name() + "' takes a " + inputType.getName(), false);
        }
        String inputJson;
        try {
            inputJson = codec.write(saga.takesInput() ? input : null, "input of saga " + saga.name());
        } catch (RuntimeException unstorable) {
            return endings.startCompensating(claim, fence, saga.name(), run, ErrorText.of(unstorable), false);
        }
        transaction.executeWithoutResult(status -> {
            instances.continueAsNew(fence, inputJson);
            signals.forgetConsumed(fence.sagaId());
            RunEndings.requireClaim(fence, outbox.release(claim, nodeId, clock.now(), clock.now()));
        });
        log.debug("Saga {} continues as new", fence.sagaId());
        return new RunOutcome.ContinuedAsNew();
    }

    private @Nullable Object invokeEntry(SagaDefinition saga, InstanceRecord instance) throws Throwable {
        Object bean = beans.apply(saga.beanName());
        @Nullable Object[] arguments = saga.takesInput()
                ? new Object[] {codec.read(instance.saga().input(), saga.inputType(), "input of saga " + saga.name())}
                : new Object[0];
        return invoke(saga, bean, arguments);
    }

    /** Calls the saga's entry method; what it throws comes out as it is, not wrapped. */
    static @Nullable Object invoke(SagaDefinition saga, Object bean, @Nullable Object[] arguments) throws Throwable {
        var entry = saga.entryMethod();
        ReflectionUtils.makeAccessible(entry);
        try {
            return entry.invoke(bean, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
