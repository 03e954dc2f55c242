package dev.saga.internal.interception;

import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;

import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.replay.ReplayContext;

/**
 * Turns a {@code @Step} call into a durable step when a saga runs on the calling thread; any other
 * call passes straight through. It sits outside Spring's transaction interceptor, so that for a
 * transactional step the engine opens the transaction, the step joins it, and its ledger record
 * commits with it.
 */
final class StepInterceptor implements MethodInterceptor {

    private final Supplier<SagaRegistry> registry;

    StepInterceptor(Supplier<SagaRegistry> registry) {
        this.registry = registry;
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
        return context.callStep(step.get(), invocation.getArguments(), invocation::proceed);
    }
}
