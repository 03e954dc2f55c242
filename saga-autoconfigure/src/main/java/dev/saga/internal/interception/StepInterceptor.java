package dev.saga.internal.interception;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.replay.ReplayContext;
import dev.saga.spi.SagaContext;
import dev.saga.spi.StepHook;

/**
 * Turns a {@code @Step} call into a durable step when a saga runs on the calling thread; any other
 * call passes straight through. It sits outside Spring's transaction interceptor, so that for a
 * transactional step the engine opens the transaction, the step joins it, and its ledger record
 * commits with it. A {@link StepHook} (the test kit's) sees each attempt and each recorded completion.
 */
final class StepInterceptor implements MethodInterceptor {

    private final Supplier<SagaRegistry> registry;
    private final Supplier<@Nullable StepHook> hook;

    StepInterceptor(Supplier<SagaRegistry> registry, Supplier<@Nullable StepHook> hook) {
        this.registry = registry;
        this.hook = hook;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        var context = ReplayContext.current().orElse(null);
        if (context == null || !context.acceptsSteps()) {
            return invocation.proceed();
        }
        var step = registry.get().step(invocation.getMethod(), AopUtils.getTargetClass(invocation.getThis()));
        if (step.isEmpty()) {
            return invocation.proceed();
        }
        var stepHook = hook.get();
        if (stepHook == null) {
            return context.callStep(step.get(), invocation.getArguments(), invocation::proceed);
        }
        var call = new HookCall(context, step.get(), invocation.getArguments());
        var result = context.callStep(step.get(), invocation.getArguments(), () -> {
            // the attempt's own context: a step with a timeout runs on a thread of its own
            call.attempted(SagaContext.current().orElseThrow().idempotencyKey());
            return stepHook.attempt(call, invocation::proceed);
        });
        if (call.attempted) {
            stepHook.recorded(call); // an attempt ran in this run and its completion committed
        }
        return result;
    }

    /** The step as the hook sees it; its idempotency key is read while an attempt runs. */
    private static final class HookCall implements StepHook.Call {

        private final ReplayContext context;
        private final StepDefinition step;
        private final List<@Nullable Object> arguments;
        private @Nullable String idempotencyKey;
        private boolean attempted;

        HookCall(ReplayContext context, StepDefinition step, @Nullable Object[] arguments) {
            this.context = context;
            this.step = step;
            this.arguments = Collections.unmodifiableList(Arrays.asList(arguments.clone()));
        }

        void attempted(String key) {
            idempotencyKey = key;
            attempted = true;
        }

        @Override
        public UUID sagaId() {
            return context.sagaId();
        }

        @Override
        public String sagaName() {
            return context.sagaName();
        }

        @Override
        public String stepName() {
            return step.stepName();
        }

        @Override
        public String qualifiedName() {
            return step.name();
        }

        @Override
        public List<@Nullable Object> arguments() {
            return arguments;
        }

        @Override
        public String idempotencyKey() {
            if (idempotencyKey == null) {
                throw new IllegalStateException("The idempotency key is known once an attempt of the step runs");
            }
            return idempotencyKey;
        }

        @Override
        public Error crash() {
            return context.abandonment("the node crashed in step '" + step.name() + "' (simulated by a test)");
        }
    }
}
