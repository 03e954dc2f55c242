package dev.saga.internal.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

/**
 * Compares this node's clock with the database's, at startup and then every few minutes, and
 * warns when they are further apart than a tolerance: due times, leases and deadlines come from
 * each node's own clock, so a node whose clock jumped is a hazard the log should name. It only
 * warns; it corrects nothing.
 */
public final class ClockCheck implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClockCheck.class);

    private final SagaClock clock;
    private final Supplier<Instant> databaseTime;
    private final Duration tolerance;
    private final Duration every;
    private final TaskScheduler scheduler;
    private volatile boolean apart;
    private @Nullable ScheduledFuture<?> checks;

    /**
     * @param databaseTime the database's current time (a query)
     * @param tolerance how far apart the clocks may be before a warning
     * @param every how often the clocks are compared after the first time
     * @param scheduler compares them, from the check's start to its stop
     */
    public ClockCheck(SagaClock clock, Supplier<Instant> databaseTime, Duration tolerance, Duration every,
            TaskScheduler scheduler) {
        this.clock = clock;
        this.databaseTime = databaseTime;
        this.tolerance = tolerance;
        this.every = every;
        this.scheduler = scheduler;
    }

    /**
     * Compares the clocks once, logging a warning when they drift apart and the recovery when they
     * are close again.
     *
     * @return how far this node's clock is ahead of the database's (negative: behind); empty when
     *     the database could not be asked, or answered too slowly to tell
     */
    public synchronized Optional<Duration> check() { // one at a time: the warning and the recovery once each
        Instant before;
        Instant database;
        Instant after;
        try {
            before = clock.now();
            database = databaseTime.get();
            after = clock.now();
        } catch (RuntimeException e) {
            log.debug("Could not read the database's clock: {}", e.getMessage());
            return Optional.empty();
        }
        var roundTrip = Duration.between(before, after);
        if (roundTrip.isNegative() || roundTrip.compareTo(tolerance) > 0) {
            return Optional.empty(); // too slow to tell, or the clock jumped meanwhile: next time
        }
        var skew = Duration.between(database, before.plus(roundTrip.dividedBy(2)));
        if (skew.abs().compareTo(tolerance) > 0) {
            if (!apart) {
                log.warn("The clock of this node is {} {} the database's clock (more than {} apart). Due times, leases"
                        + " and deadlines come from each node's own clock: a node behind has its running sagas taken"
                        + " over by the other nodes; a node ahead takes over theirs before their leases end and"
                        + " fires timers and deadlines early. Synchronise the clocks of all nodes (NTP)",
                        Duration.ofSeconds(Math.round(skew.abs().toMillis() / 1000.0)),
                        skew.isNegative() ? "behind" : "ahead of", tolerance);
            }
            apart = true;
        } else if (apart) {
            apart = false;
            log.info("The clock of this node is within {} of the database's clock again", tolerance);
        }
        return Optional.of(skew);
    }

    @Override
    public synchronized void start() {
        if (checks == null) {
            checks = scheduler.scheduleWithFixedDelay(this::check, Instant.now(), every);
        }
    }

    @Override
    public synchronized void stop() {
        if (checks != null) {
            checks.cancel(true);
            checks = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return checks != null;
    }
}
