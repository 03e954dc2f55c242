package dev.saga.internal.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how far apart a failing step is tried again.
 *
 * @param maxRetries retries after the first attempt (so {@code maxRetries + 1} attempts in all)
 * @param delay the delay before the first retry
 * @param multiplier the factor applied to the delay after each retry (1 for a fixed delay)
 * @param maxDelay the longest delay between two attempts
 * @param jitter a random amount of up to this much added to or taken from each delay
 */
public record RetryPolicy(int maxRetries, Duration delay, double multiplier, Duration maxDelay, Duration jitter) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries must not be negative: " + maxRetries);
        }
        if (delay.isNegative() || maxDelay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
        }
    }

    /** Whether another attempt may follow the given number of failed ones. */
    public boolean allowsRetryAfter(int failedAttempts) {
        return failedAttempts <= maxRetries;
    }

    /** The delay before the next attempt, after the given number (1 or more) of failed attempts. */
    public Duration delayAfter(int failedAttempts) {
        double base = delay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        long millis = (long) Math.min(base, maxDelay.toMillis());
        if (!jitter.isZero()) {
            millis += ThreadLocalRandom.current().nextLong(-jitter.toMillis(), jitter.toMillis() + 1);
        }
        return Duration.ofMillis(Math.max(0, millis));
    }
}
