package dev.saga.internal.retry;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

import dev.saga.Step;
import dev.saga.internal.definition.StepDefinition;

/**
 * One layer of a retry policy, as a {@code @Step} declares it or as {@code saga.sagas.<saga>.retry.*}
 * and {@code saga.sagas.<saga>.steps.<step>.*} bind to it: every value that is set (not
 * {@code null}) replaces the value of the layers below; an unset one keeps it. The components are
 * those of {@link RetryPolicy}, so a new retry setting is one component here and one there.
 *
 * @param maxRetries Retries after the first failed attempt.
 * @param delay The delay before the first retry.
 * @param multiplier The factor applied to the delay after each retry.
 * @param maxDelay The longest delay between two attempts.
 * @param jitter Random amount added to or taken from each delay.
 * @param includes Exception types that are retried.
 * @param excludes Exception types that fail a step at once.
 * @param timeout Longest time one attempt may take; 0 for no limit.
 */
public record RetryLayer(@Nullable Integer maxRetries, @Nullable Duration delay, @Nullable Double multiplier,
        @Nullable Duration maxDelay, @Nullable Duration jitter, @Nullable List<Class<? extends Throwable>> includes,
        @Nullable List<Class<? extends Throwable>> excludes, @Nullable Duration timeout) {

    /** A layer that sets nothing. */
    public static final RetryLayer NONE = new RetryLayer(null, null, null, null, null, null, null, null);

    /** The step's own {@link Step} attributes as a layer; refuses malformed ones with the step's location. */
    static RetryLayer declaredBy(StepDefinition step) {
        Step annotation = step.annotation();
        try {
            return new RetryLayer(
                    annotation.maxRetries() >= 0 ? annotation.maxRetries() : null,
                    duration(annotation.delay()),
                    annotation.multiplier() >= 0 ? annotation.multiplier() : null,
                    duration(annotation.maxDelay()),
                    duration(annotation.jitter()),
                    annotation.includes().length == 0 ? null : List.of(annotation.includes()),
                    annotation.excludes().length == 0 ? null : List.of(annotation.excludes()),
                    duration(annotation.timeout()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid retry attributes on @Step " + step.location() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The policy with this layer's values laid over it. */
    RetryPolicy over(RetryPolicy base) {
        return new RetryPolicy(
                or(maxRetries, base.maxRetries()),
                or(delay, base.delay()),
                or(multiplier, base.multiplier()),
                or(maxDelay, base.maxDelay()),
                or(jitter, base.jitter()),
                or(includes, base.includes()),
                or(excludes, base.excludes()),
                or(timeout, base.timeout()));
    }

    private static <T> T or(@Nullable T value, T below) {
        return value != null ? value : below;
    }

    private static @Nullable Duration duration(String text) {
        return text.isBlank() ? null : DurationStyle.detectAndParse(text);
    }
}
