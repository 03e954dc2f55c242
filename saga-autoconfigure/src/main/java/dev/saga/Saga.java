package dev.saga;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean as a durable saga definition. The bean's single entry method is the saga: plain
 * Java that calls {@link Step @Step} methods on other beans and the primitives of {@link Sagas}.
 *
 * <pre>{@code
 * @Saga("order-fulfilment")
 * class OrderFulfilment {
 *     private final PaymentService payments;
 *     private final ShippingService shipping;
 *     // constructor omitted
 *
 *     public Receipt run(Order order) {
 *         var charge = payments.charge(order);         // a @Step with a @Compensate
 *         var label = shipping.createLabel(order);     // a @Step with a @Compensate
 *         return new Receipt(charge.id(), label.tracking());
 *     }
 * }
 * }</pre>
 *
 * <p>The entry method is the class's only public method (or, when it has no public method, its
 * only non-private one). It takes no parameter or exactly one, the saga's input, which is stored
 * as JSON; its return value is the saga's output. The saga must be deterministic: on every run it
 * must call the same steps in the same order for the same input and recorded results. Use
 * {@link Sagas#now()} and {@link Sagas#randomUUID()} instead of the clock and random numbers.
 *
 * <p>Steps must live on other beans: a {@code @Step} on the saga bean itself would be called
 * without the proxy and is refused at startup.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface Saga {

    /** The saga's name, unique in the application; used to start it and shown everywhere. */
    @AliasFor("name")
    String value() default "";

    /** Alias for {@link #value()}. */
    @AliasFor("value")
    String name() default "";

    /** The definition's version, recorded with every instance. */
    int version() default 1;
}
