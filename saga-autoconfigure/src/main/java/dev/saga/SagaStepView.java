package dev.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a saga's timeline: a step, wait, timer, primitive or compensation, with its
 * attempts.
 *
 * @param seq its position in the saga's history
 * @param kind STEP, COMPENSATION, COMPENSATE, SIGNAL, SLEEP, PATCH, NOW or RANDOM_UUID
 * @param name the step's name ({@code bean.step}), the signal's name, or the primitive's
 * @param status COMPLETED; RETRYING for a step or compensation whose next attempt is due at
 *     {@code dueAt}; WAITING for a signal wait or sleep that has not ended ({@code dueAt}: its
 *     timeout or wake-up); or FAILED
 * @param compensates for a compensation, the position of the step it undoes, else {@code null}
 * @param arguments the arguments as JSON, or {@code null} where there are none
 * @param result the result as JSON, or {@code null} where there is none (yet)
 * @param error the last error, or {@code null}
 * @param attempts every attempt, oldest first
 * @param startedAt when it started
 * @param finishedAt when it completed or failed for good, or {@code null} while it has not
 * @param dueAt when its next attempt, or the end of its wait, is due; {@code null} when none is
 */
public record SagaStepView(int seq, String kind, String name, String status, @Nullable Integer compensates,
        @Nullable String arguments, @Nullable String result, @Nullable String error, List<Attempt> attempts,
        Instant startedAt, @Nullable Instant finishedAt, @Nullable Instant dueAt) {

    public SagaStepView {
        attempts = List.copyOf(attempts);
    }

    /**
     * One attempt.
     *
     * @param number from 1
     * @param startedAt when it started
     * @param duration how long it took; {@code null} when the ledger kept no end for it
     * @param error its failure, or {@code null}
     */
    public record Attempt(int number, Instant startedAt, @Nullable Duration duration, @Nullable String error) {
    }
}
