package dev.saga.internal.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;

import dev.saga.SagaStatus;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.time.SagaClock;

/**
 * Deletes finished sagas once they are older than their outcome's retention, a bounded batch per
 * statement so that no delete holds many locks for long. Runs on a scheduler of its own (a Spring
 * bean), so that a slow delete delays nothing else.
 */
public final class RetentionJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final InstanceStore instances;
    private final SagaClock clock;
    private final Map<SagaStatus, Duration> retention;
    private final int batchSize;
    private final Duration interval;
    private final TaskScheduler scheduler;
    private @Nullable ScheduledFuture<?> runs;

    /**
     * @param retention how long finished sagas of each terminal status are kept; statuses not in
     *     the map are kept for ever
     * @param scheduler runs the job every interval from its start to its stop
     */
    public RetentionJob(InstanceStore instances, SagaClock clock, Map<SagaStatus, Duration> retention, int batchSize,
            Duration interval, TaskScheduler scheduler) {
        this.instances = instances;
        this.clock = clock;
        this.retention = Map.copyOf(retention);
        this.batchSize = batchSize;
        this.interval = interval;
        this.scheduler = scheduler;
    }

    /** Deletes every finished saga past its retention now; returns how many. */
    public int deleteExpired() {
        int deleted = 0;
        var now = clock.now();
        for (var entry : retention.entrySet()) {
            int batch;
            do {
                batch = instances.deleteFinished(entry.getKey(), now.minus(entry.getValue()), batchSize);
                deleted += batch;
            } while (batch == batchSize);
        }
        if (deleted > 0) {
            log.info("Deleted {} finished sagas past their retention", deleted);
        }
        return deleted;
    }

    @Override
    public synchronized void start() {
        if (runs != null || retention.isEmpty()) {
            return;
        }
        runs = scheduler.scheduleWithFixedDelay(() -> {
            try {
                deleteExpired();
            } catch (RuntimeException e) {
                log.warn("Saga retention could not delete finished sagas: {}", e.getMessage());
            }
        }, Instant.now().plus(interval), interval);
    }

    @Override
    public synchronized void stop() {
        if (runs != null) {
            runs.cancel(true);
            runs = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return runs != null;
    }
}
