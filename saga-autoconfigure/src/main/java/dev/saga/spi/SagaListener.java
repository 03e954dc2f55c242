package dev.saga.spi;

import java.time.Duration;

import dev.saga.SagaStatus;

/**
 * Observes sagas and steps as the engine runs them (metrics, audit logs). Every
 * {@code SagaListener} bean is called after the fact is committed: {@link #sagaStarted} on the
 * thread that committed the start, the others on the thread that runs the saga. A listener must
 * be quick and must not throw. Compensations are not reported one by one; their saga's outcome is.
 */
public interface SagaListener {

    /** What became of one attempt of a step. */
    enum StepOutcome {
        /** It succeeded. */
        COMPLETED,
        /** It failed and is tried again. */
        RETRYING,
        /** It failed and no retry is left. */
        FAILED
    }

    /** A saga was started (its start committed). */
    default void sagaStarted(String sagaName) {
    }

    /** A saga reached a terminal status, {@code duration} after it was started. */
    default void sagaFinished(String sagaName, SagaStatus outcome, Duration duration) {
    }

    /** One attempt of a step ended. */
    default void stepAttempted(String sagaName, String stepName, StepOutcome outcome, Duration duration) {
    }
}
