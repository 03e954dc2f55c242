package dev.saga.actuate;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.saga.SagaOperations;
import dev.saga.spi.DispatcherStatus;

/**
 * Health of this node's saga engine: DOWN when the dispatcher is stopped or has not polled for
 * three poll intervals, or when the oldest due work waits longer than the down threshold;
 * OUT_OF_SERVICE when the backlog is larger than its threshold. Details carry the backlog, the age
 * of the oldest due work and how many sagas wait for an operator.
 */
public class SagaHealthIndicator extends AbstractHealthIndicator {

    /**
     * When the indicator turns unhealthy.
     *
     * @param maxBacklog due, unclaimed sagas above which the node is OUT_OF_SERVICE; 0 for no limit
     * @param maxOldestDueAge age of the oldest due work above which the node is DOWN; zero for no limit
     */
    public record Thresholds(long maxBacklog, Duration maxOldestDueAge) {
    }

    private final SagaOperations sagas;
    private final DispatcherStatus dispatcher;
    private final Thresholds thresholds;

    public SagaHealthIndicator(SagaOperations sagas, DispatcherStatus dispatcher, Thresholds thresholds) {
        super("Saga health check failed");
        this.sagas = sagas;
        this.dispatcher = dispatcher;
        this.thresholds = thresholds;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        var backlog = sagas.backlog();
        boolean running = dispatcher.isRunning();
        var lastPoll = dispatcher.lastSuccessfulPoll(); // read once: the details show what was judged
        boolean polling = running && lastPoll != null
                && lastPoll.isAfter(Instant.now().minus(dispatcher.pollInterval().multipliedBy(3)));
        var maxAge = thresholds.maxOldestDueAge();
        boolean late = !maxAge.isZero() && backlog.oldestDueAge().compareTo(maxAge) > 0;
        boolean crowded = thresholds.maxBacklog() > 0 && backlog.due() > thresholds.maxBacklog();
        builder.status(!polling || late ? Status.DOWN : crowded ? Status.OUT_OF_SERVICE : Status.UP)
                .withDetail("dispatcher", running ? "running" : "stopped")
                .withDetail("lastPoll", String.valueOf(lastPoll))
                .withDetail("backlog", backlog.due())
                .withDetail("oldestDueAge", backlog.oldestDueAge().toString())
                .withDetail("needOperator", backlog.parked());
    }
}
