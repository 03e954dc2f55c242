package dev.saga.internal.retry;

import java.time.Duration;
import java.util.List;

/**
 * One configuration layer of a retry policy: every value that is not {@code null} replaces the
 * value of the layers below it.
 */
public record RetryOverrides(Integer maxRetries, Duration delay, Double multiplier, Duration maxDelay,
        Duration jitter, List<Class<? extends Throwable>> includes, List<Class<? extends Throwable>> excludes,
        Duration timeout) {

    public static final RetryOverrides NONE = new RetryOverrides(null, null, null, null, null, null, null, null);

    /** The policy with this layer's values laid over it. */
    public RetryPolicy over(RetryPolicy base) {
        return new RetryPolicy(
                maxRetries != null ? maxRetries : base.maxRetries(),
                delay != null ? delay : base.delay(),
                multiplier != null ? multiplier : base.multiplier(),
                maxDelay != null ? maxDelay : base.maxDelay(),
                jitter != null ? jitter : base.jitter(),
                includes != null ? includes : base.includes(),
                excludes != null ? excludes : base.excludes(),
                timeout != null ? timeout : base.timeout());
    }
}
