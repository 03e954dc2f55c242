package dev.saga.internal.time;

import java.time.Clock;
import java.time.Instant;

/**
 * The engine's time: due times of timers, waits, retries and leases, deadlines, and
 * {@code Sagas.now()}. The system clock in production; tests put a clock they can move forward,
 * so that a saga waiting thirty days is tested without waiting them.
 */
public final class SagaClock {

    private final Clock clock;

    public SagaClock(Clock clock) {
        this.clock = clock;
    }

    public static SagaClock system() {
        return new SagaClock(Clock.systemUTC());
    }

    public Instant now() {
        return clock.instant();
    }
}
