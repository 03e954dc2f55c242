package dev.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a saga's timeline: a step, wait, timer, primitive or compensation, with its
 * attempts.
 *
 * @param seq its position in the saga's history
 * @param kind STEP, COMPENSATION, COMPENSATE, SIGNAL, SLEEP, PATCH, NOW or RANDOM_UUID
 * @param name the step's name ({@code bean.step}), the signal's name, or the primitive's
 * @param status COMPLETED, RETRYING (also: waiting) or FAILED
 * @param compensates for a compensation, the position of the step it undoes
 * @param arguments the arguments as JSON
 * @param result the result as JSON
 * @param error the last error
 * @param attempts every attempt, oldest first
 * @param startedAt when it started
 * @param finishedAt when it completed or failed for good
 * @param dueAt when its next attempt, or the end of its wait, is due
 */
public record SagaStepView(int seq, String kind, String name, String status, Integer compensates, String arguments,
        String result, String error, List<Attempt> attempts, Instant startedAt, Instant finishedAt, Instant dueAt) {

    public SagaStepView {
        attempts = List.copyOf(attempts);
    }

    /**
     * One attempt.
     *
     * @param number from 1
     * @param startedAt when it started
     * @param duration how long it took
     * @param error its failure, or {@code null}
     */
    public record Attempt(int number, Instant startedAt, Duration duration, String error) {
    }
}
