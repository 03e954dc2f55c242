package dev.saga;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method that undoes a {@link Step @Step} of the same bean.
 *
 * <p>The method takes the step's parameters, in the same order and of the same types, and
 * optionally one more: the step's result. When a saga fails, the compensations of its completed
 * steps run in reverse order, each retried durably with the step's retry policy.
 *
 * <pre>{@code
 * @Step
 * Charge charge(Order order) { ... }
 *
 * @Compensate("charge")
 * void refund(Order order, Charge charge) { ... }
 * }</pre>
 *
 * <p>Compensations may run more than once (a crash after the undo and before its record), so
 * they must be idempotent; {@link Sagas#idempotencyKey()} is available inside them. A step that is
 * not transactional and failed for good is compensated too, because it may have taken effect: its
 * compensation gets {@code null} as the result and must cope with "nothing happened";
 * {@link Sagas#idempotencyKeyOfCompensatedStep()} tells it the key the step was called with.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Compensate {

    /** The name of the step this method undoes (the step's method name unless it set one). */
    String value();
}
