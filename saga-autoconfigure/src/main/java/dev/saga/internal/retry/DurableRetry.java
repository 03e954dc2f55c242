package dev.saga.internal.retry;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The attempt loop shared by steps and compensations: try, record the failure durably, and
 * either wait briefly on this thread or hand the wait back to the caller to suspend the saga,
 * so no thread sleeps through a long backoff.
 */
public final class DurableRetry {

    private final Duration maxInlineWait;

    public DurableRetry(Duration maxInlineWait) {
        this.maxInlineWait = maxInlineWait;
    }

    /** One attempt of the work; may throw anything the work throws. */
    @FunctionalInterface
    public interface Attempt<T extends @Nullable Object> {
        T run(int attempt) throws Throwable;
    }

    /** Records a failed attempt: with the time of the next one, or as final when there is none. */
    @FunctionalInterface
    public interface FailureRecorder {
        void failed(int attempt, Throwable error, @Nullable Duration retryIn);
    }

    /** How the loop ended. */
    public sealed interface Outcome<T extends @Nullable Object> {
        /** An attempt succeeded (and recorded its own success). */
        record Succeeded<T extends @Nullable Object>(T value) implements Outcome<T> {
        }

        /** The next attempt is due later than the inline limit: suspend and come back then. */
        record RetryLater<T extends @Nullable Object>(Duration delay) implements Outcome<T> {
        }

        /** No retry is left, or the failure is one the policy does not retry; the last error. */
        record Exhausted<T extends @Nullable Object>(Throwable error) implements Outcome<T> {
        }
    }

    /**
     * Runs attempts after {@code failedSoFar} failed ones until one succeeds, the policy has no
     * retry left, or the next retry is due too far ahead to wait for here.
     *
     * @param failedSoFar attempts that failed earlier, as recorded in the ledger
     * @param mustRethrow failures that are not attempts at all (the engine's own control flow);
     *     they are thrown on unchanged
     */
    public <T extends @Nullable Object> Outcome<T> run(RetryPolicy policy, int failedSoFar, Attempt<T> attempt,
            FailureRecorder recorder, Class<?>... mustRethrow) {
        int failed = failedSoFar;
        while (true) {
            int number = failed + 1;
            try {
                return new Outcome.Succeeded<>(attempt.run(number));
            } catch (Throwable error) {
                if (error instanceof VirtualMachineError
                        || java.util.Arrays.stream(mustRethrow).anyMatch(type -> type.isInstance(error))) {
                    throw sneaky(error);
                }
                failed = number;
                if (!policy.retriesAfter(failed, error)) {
                    recorder.failed(number, error, null);
                    return new Outcome.Exhausted<>(error);
                }
                Duration delay = policy.delayAfter(failed);
                recorder.failed(number, error, delay);
                if (delay.compareTo(maxInlineWait) > 0 || !pause(delay)) {
                    return new Outcome.RetryLater<>(delay);
                }
            }
        }
    }

    /** Waits on this thread; false when interrupted (shutting down), so the saga suspends instead. */
    private static boolean pause(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable error) throws E {
        throw (E) error;
    }
}
