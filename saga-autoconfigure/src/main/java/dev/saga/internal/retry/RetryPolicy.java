package dev.saga.internal.retry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how far apart a failing step is tried again, and which failures are retried.
 *
 * @param maxRetries retries after the first attempt (so {@code maxRetries + 1} attempts in all)
 * @param delay the delay before the first retry
 * @param multiplier the factor applied to the delay after each retry (1 for a fixed delay)
 * @param maxDelay the longest delay between two attempts
 * @param jitter a random amount of up to this much added to or taken from each delay
 * @param includes the failures that are retried (with subclasses, also as causes); empty: all
 * @param excludes the failures that are never retried; they win over {@code includes}
 * @param timeout the longest one attempt may take; zero for no limit
 */
public record RetryPolicy(int maxRetries, Duration delay, double multiplier, Duration maxDelay, Duration jitter,
        List<Class<? extends Throwable>> includes, List<Class<? extends Throwable>> excludes, Duration timeout) {

    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max-retries must not be negative: " + maxRetries);
        }
        if (delay.isNegative() || maxDelay.isNegative() || jitter.isNegative() || timeout.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative");
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
        }
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** A policy that retries every failure and has no timeout. */
    static RetryPolicy of(int maxRetries, Duration delay, double multiplier, Duration maxDelay, Duration jitter) {
        return new RetryPolicy(maxRetries, delay, multiplier, maxDelay, jitter, List.of(), List.of(), Duration.ZERO);
    }

    /** This policy, with a failure type that is never retried whatever the configuration says. */
    public RetryPolicy neverRetrying(Class<? extends Throwable> type) {
        if (excludes.contains(type)) {
            return this;
        }
        var more = new java.util.ArrayList<Class<? extends Throwable>>(excludes);
        more.add(type);
        return new RetryPolicy(maxRetries, delay, multiplier, maxDelay, jitter, includes, more, timeout);
    }

    /** Whether another attempt may follow the given number of failed ones. */
    /**
     * Whether a failed attempt, the {@code failedAttempts}-th, is tried again: the decision the
     * attempt loop makes, for those who describe an attempt before the loop records it.
     */
    public boolean retriesAfter(int failedAttempts, Throwable failure) {
        return allowsRetryAfter(failedAttempts) && retries(failure);
    }

    boolean allowsRetryAfter(int failedAttempts) {
        return failedAttempts <= maxRetries;
    }

    /** Whether this failure may be retried at all. */
    boolean retries(Throwable failure) {
        if (matches(excludes, failure)) {
            return false;
        }
        return includes.isEmpty() || matches(includes, failure);
    }

    /** Whether attempts have a time limit. */
    public boolean hasTimeout() {
        return !timeout.isZero();
    }

    /** The delay before the next attempt, after the given number (1 or more) of failed attempts. */
    Duration delayAfter(int failedAttempts) {
        double base = delay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempts - 1));
        long millis = (long) Math.min(base, maxDelay.toMillis());
        if (!jitter.isZero()) {
            millis += ThreadLocalRandom.current().nextLong(-jitter.toMillis(), jitter.toMillis() + 1);
        }
        return Duration.ofMillis(Math.max(0, millis));
    }

    /** Whether the failure or one of its causes is of one of the types. */
    public static boolean matches(List<Class<? extends Throwable>> types, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (var type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
