package dev.saga.internal.retry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.convert.DurationStyle;

import dev.saga.Step;
import dev.saga.internal.definition.StepDefinition;

/**
 * Merges the configuration layers into one policy per step, once: the application's defaults
 * ({@code saga.retry.*}), then the step's own {@link Step} attributes.
 */
public final class RetryPolicies {

    private final RetryPolicy defaults;
    private final Map<String, RetryPolicy> byStep = new ConcurrentHashMap<>();

    public RetryPolicies(RetryPolicy defaults) {
        this.defaults = defaults;
    }

    public RetryPolicy defaults() {
        return defaults;
    }

    /** The effective policy of the step. */
    public RetryPolicy forStep(StepDefinition step) {
        return byStep.computeIfAbsent(step.name(), name -> merge(defaults, step));
    }

    static RetryPolicy merge(RetryPolicy base, StepDefinition step) {
        Step annotation = step.annotation();
        try {
            return new RetryPolicy(
                    annotation.maxRetries() >= 0 ? annotation.maxRetries() : base.maxRetries(),
                    duration(annotation.delay(), base.delay()),
                    annotation.multiplier() >= 0 ? annotation.multiplier() : base.multiplier(),
                    duration(annotation.maxDelay(), base.maxDelay()),
                    base.jitter());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid retry attributes on @Step " + step.location() + ": "
                    + e.getMessage(), e);
        }
    }

    private static Duration duration(String text, Duration inherited) {
        return text.isBlank() ? inherited : DurationStyle.detectAndParse(text);
    }
}
