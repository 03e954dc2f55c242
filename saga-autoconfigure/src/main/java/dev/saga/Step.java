package dev.saga;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a Spring bean as a durable saga step.
 *
 * <p>Called from inside a running saga, the call is recorded in the step ledger: its arguments,
 * its result or error, its attempts. When the saga is replayed after a crash, a suspension or a
 * redeploy, a completed step is not executed again; its recorded result is returned. Called from
 * anywhere else the method is an ordinary method call.
 *
 * <pre>{@code
 * @Service
 * class PaymentService {
 *     @Step(maxRetries = 5, delay = "2s")
 *     Charge charge(Order order) { ... }
 *
 *     @Compensate("charge")
 *     void refund(Order order, Charge charge) { ... }
 * }
 * }</pre>
 *
 * <p>Every step has a {@link Compensate @Compensate} method on the same bean, or declares
 * {@code compensation = Step.Compensation.NONE}; startup fails otherwise.
 *
 * <p>A step annotated with Spring's {@code @Transactional} (propagation {@code REQUIRED},
 * {@code SUPPORTS}, {@code MANDATORY} or {@code NESTED}) commits its own writes and its ledger record
 * in one transaction: it takes effect exactly once, and when it fails it rolled back, so it is not
 * compensated. Any other step may run again after a crash between its effect and its ledger record;
 * it should pass {@link Sagas#idempotencyKey()} to the system it calls. When such a step fails for
 * good it may still have taken effect (a call that timed out), so it is compensated too, with a
 * {@code null} result, unless its failure is one of its {@link #noEffectOn()} exceptions.
 *
 * <p>Three kinds of steps: compensatable (with a {@code @Compensate} method), the
 * {@link #pivot() pivot} (the point of no return), and retriable ({@code compensation = NONE}).
 *
 * <p>Arguments and results are stored as JSON with the application's Jackson mapper, so they
 * must be serialisable; records work out of the box.
 *
 * <p>Retry attributes left at their defaults inherit {@code saga.retry.*} from the application's
 * configuration.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Step {

    /** The step's name, unique on its bean; defaults to the method name. */
    String value() default "";

    /** Whether this step has a compensation. */
    Compensation compensation() default Compensation.REQUIRED;

    /**
     * Retries after the first failed attempt; {@code -1} inherits {@code saga.retry.max-retries}.
     * {@code 0} fails the step on its first failure.
     */
    int maxRetries() default -1;

    /** Delay before the first retry as a duration ({@code "500ms"}, {@code "2s"}); empty inherits. */
    String delay() default "";

    /** Factor applied to the delay after every retry; {@code -1} inherits. */
    double multiplier() default -1;

    /** Upper bound of the delay between retries as a duration; empty inherits. */
    String maxDelay() default "";

    /** Random amount added to or taken from each delay, as a duration; empty inherits. */
    String jitter() default "";

    /**
     * Exceptions that are retried (with their subclasses, also found as causes); empty retries all
     * exceptions not {@link #excludes() excluded}. Adds to nothing: it replaces the inherited list.
     */
    Class<? extends Throwable>[] includes() default {};

    /** Exceptions that fail the step at once, without retry (a declined card). */
    Class<? extends Throwable>[] excludes() default {};

    /**
     * Longest time one attempt may take, as a duration ({@code "10s"}); an attempt that takes longer
     * fails with {@link StepTimeoutException} and is retried per policy. Empty inherits; {@code "0"}
     * means no limit.
     */
    String timeout() default "";

    /**
     * Exceptions that prove the step took no effect (a declined card). When the step's last
     * attempt failed with one of these, the step is not compensated. Without them, a step that is
     * not transactional and failed for good is compensated too (with no result), because its last
     * attempt may have taken effect (a payment call that timed out).
     */
    Class<? extends Throwable>[] noEffectOn() default {};

    /**
     * Marks the point of no return. Once a pivot step completed, a later failure is not
     * compensated: failing steps are retried per their policy, and a saga that still fails is
     * PARKED for an operator. A pivot step itself has no compensation.
     */
    boolean pivot() default false;

    /** Whether a step needs a compensation. */
    enum Compensation {
        /** A method annotated {@code @Compensate("<step name>")} must exist on the same bean. */
        REQUIRED,
        /** The step has nothing to undo (an email, a read); no compensation runs for it. */
        NONE
    }
}
