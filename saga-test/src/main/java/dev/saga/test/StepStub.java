package dev.saga.test;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What the attempts of one step do in this test instead of (or before) running its method. The
 * step stays a durable step: each stubbed attempt is recorded in the ledger as a real one would
 * be, a thrown exception is retried per the step's policy, a returned value is its result.
 * Rules apply in the order given; once the {@code failNext} ones are used up, the step's method runs
 * again unless {@link #returns} or {@link #alwaysFails} set what every further attempt does.
 */
public final class StepStub {

    private final String stepName;
    private final Deque<Throwable> nextFailures = new ArrayDeque<>();
    private @Nullable Function<List<@Nullable Object>, @Nullable Object> answer;
    private @Nullable Throwable always;

    StepStub(String stepName) {
        this.stepName = stepName;
    }

    /** The next {@code attempts} attempts throw {@code failure}; later ones run as set otherwise. */
    public synchronized StepStub failNext(int attempts, Throwable failure) {
        if (attempts < 1) {
            throw new IllegalArgumentException("failNext needs at least one attempt, not " + attempts);
        }
        Objects.requireNonNull(failure, "failure");
        for (int i = 0; i < attempts; i++) {
            nextFailures.add(failure);
        }
        return this;
    }

    /** Every attempt returns {@code value} without running the step's method. */
    public StepStub returns(@Nullable Object value) {
        return answers(arguments -> value);
    }

    /** Every attempt returns what {@code answer} makes of the step's arguments, without running its method. */
    public synchronized StepStub answers(Function<List<@Nullable Object>, @Nullable Object> answer) {
        this.answer = Objects.requireNonNull(answer, "answer");
        this.always = null;
        return this;
    }

    /**
     * Every attempt throws {@code failure}: the step fails for good at once if its policy does not
     * retry that exception, else when its retries are spent (move the clock through the backoffs
     * with {@link SagaTestKit#advance}).
     */
    public synchronized StepStub alwaysFails(Throwable failure) {
        this.always = Objects.requireNonNull(failure, "failure");
        this.answer = null;
        return this;
    }

    String stepName() {
        return stepName;
    }

    /** The stubbed outcome of the next attempt, or null to run the step's method. */
    synchronized @Nullable Outcome next(List<@Nullable Object> arguments) {
        var failure = nextFailures.poll();
        if (failure != null) {
            return new Outcome(null, failure);
        }
        if (always != null) {
            return new Outcome(null, always);
        }
        if (answer != null) {
            return new Outcome(answer.apply(arguments), null);
        }
        return null;
    }

    record Outcome(@Nullable Object value, @Nullable Throwable failure) {
    }
}
