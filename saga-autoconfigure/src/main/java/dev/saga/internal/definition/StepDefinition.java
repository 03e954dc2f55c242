package dev.saga.internal.definition;

import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionDefinition;

import dev.saga.Step;

/**
 * A {@code @Step} method found at startup, with its compensation.
 *
 * @param name the name recorded in the ledger: {@code <bean name>.<step name>}
 * @param stepName the step's own name: the {@code @Step} value or the method name
 * @param beanName the bean that declares the step
 * @param beanClass the bean's user class
 * @param method the step method
 * @param annotation the step's annotation (retry attributes)
 * @param compensation the {@code @Compensate} method, or {@code null} when the step has none
 * @param transaction the step's {@code @Transactional} definition when it joins a transaction
 *     the engine opens, so its effect and its ledger record commit together; {@code null} when
 *     the step is not transactional that way
 * @param compensationTransaction the same for the compensation
 */
public record StepDefinition(
        String name,
        String stepName,
        String beanName,
        Class<?> beanClass,
        Method method,
        Step annotation,
        @Nullable Method compensation,
        @Nullable TransactionDefinition transaction,
        @Nullable TransactionDefinition compensationTransaction) {

    /** Whether the step takes effect exactly once (its effect commits with its ledger record). */
    public boolean transactional() {
        return transaction != null;
    }

    /** Whether this step is the saga's point of no return. */
    public boolean pivot() {
        return annotation.pivot();
    }

    /** The failures that prove this step took no effect (found also as causes). */
    public List<Class<? extends Throwable>> noEffectOn() {
        return List.of(annotation.noEffectOn());
    }

    /** Whether a failure of the saga must undo this step. */
    public boolean compensable() {
        return compensation != null;
    }

    /** Whether the compensation takes the step's result as its last parameter. */
    public boolean compensationTakesResult() {
        return compensation != null && compensation.getParameterCount() == method.getParameterCount() + 1;
    }

    /** Where the step is declared, for messages. */
    public String location() {
        return beanClass.getName() + "." + method.getName();
    }
}
