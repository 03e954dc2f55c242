package dev.saga.test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's clock under test: it stands still, at the system time when the test began, until
 * the test kit moves it forward, so that what a saga sees and records ({@code Sagas.now()}, due
 * times, deadlines) does not depend on how fast the machine runs. It never goes back while a test
 * runs, so no due time or lease the engine wrote is undone.
 */
final class TestClock extends Clock {

    private final AtomicReference<Instant> time = new AtomicReference<>(systemTime());

    /** Moves the clock forward to {@code later}, or leaves it where it is if it is there already. */
    void moveTo(Instant later) {
        time.accumulateAndGet(later, (current, next) -> next.isAfter(current) ? next : current);
    }

    /** Back to the system time, at the start of a test. */
    void reset() {
        time.set(systemTime());
    }

    /** In whole microseconds, as PostgreSQL keeps times: a due time read back is the one written. */
    private static Instant systemTime() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public Instant instant() {
        return time.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the engine's clock is in UTC");
    }
}
