package dev.saga.internal.replay;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The engine's own control flow through user code. An {@link Error}, not an exception, so that an
 * ordinary {@code catch (Exception e)} in a saga cannot swallow it. Never seen by users unless
 * they catch {@code Throwable}, which saga code must not do.
 */
abstract sealed class SagaControl extends Error {

    private SagaControl(String message) {
        super(message, null, false, false);
    }

    private SagaControl(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The saga must wait: end this run, come back after the delay and replay. */
    static final class Suspend extends SagaControl {
        private final Duration resumeAfter;

        Suspend(Duration resumeAfter) {
            super("saga suspended for " + resumeAfter);
            this.resumeAfter = resumeAfter;
        }

        public Duration resumeAfter() {
            return resumeAfter;
        }
    }

    /** The code no longer matches the recorded history; the saga must be parked. */
    static final class NonDeterminism extends SagaControl {
        private final transient Divergence divergence;

        NonDeterminism(String message, Divergence divergence) {
            super(message);
            this.divergence = divergence;
        }

        /** Where and how the code left the history, for a replay check's report. */
        Divergence divergence() {
            return divergence;
        }
    }

    /**
     * A replay check reached the end of what the history recorded at {@code seq}: the next call
     * would run something. The check stops there; nothing ran and nothing was written.
     */
    static final class HistoryEnd extends SagaControl {
        private final int seq;

        HistoryEnd(int seq) {
            super("the recorded history ends at #" + seq);
            this.seq = seq;
        }

        int seq() {
            return seq;
        }
    }

    /** The saga cannot go on and needs an operator: end the run and record it FAILED. */
    static final class Fail extends SagaControl {
        Fail(String message) {
            super(message);
        }
    }

    /** The saga was cancelled (by a client or its deadline): stop here and compensate. */
    static final class Cancel extends SagaControl {
        Cancel(String reason) {
            super(reason);
        }
    }

    /** The saga continues as new: end this run, drop its history, start again with this input. */
    static final class ContinueAsNew extends SagaControl {
        private final transient @Nullable Object input;

        ContinueAsNew(@Nullable Object input) {
            super("continue as new");
            this.input = input;
        }

        public @Nullable Object input() {
            return input;
        }
    }

    /**
     * The engine's own database work failed while the saga ran (the database is unreachable, for
     * example): not the saga's failure, so it must not be compensated. End the run without
     * recording anything; the saga is released and tried again shortly.
     */
    static final class EngineFailure extends SagaControl {
        EngineFailure(RuntimeException cause) {
            super("the engine's database work failed: " + cause.getMessage(), cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    /** This node lost its claim on the saga; stop without recording anything more. */
    static final class Abandon extends SagaControl {
        Abandon(String message) {
            super(message);
        }
    }
}
