package dev.saga.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.saga.SagaBacklog;
import dev.saga.SagaOperations;
import dev.saga.SagaStatus;
import dev.saga.spi.SagaListener;

/**
 * The engine's Micrometer meters:
 * <ul>
 * <li>{@code saga.started} (counter; tag {@code saga})
 * <li>{@code saga.finished} (counter; tags {@code saga}, {@code outcome}: completed, compensated,
 * cancelled, failed, parked)
 * <li>{@code saga.duration} (timer, start to finish; tags {@code saga}, {@code outcome})
 * <li>{@code saga.step.retries} (counter of failed attempts that are retried; tags {@code saga},
 * {@code step})
 * <li>{@code saga.instances} (gauge; tag {@code status}), {@code saga.backlog} (gauge: due work
 * nobody claimed) and {@code saga.backlog.oldest.age} (gauge, seconds)
 * </ul>
 * Gauges read the database at most once per {@code refresh}, however often they are scraped. Step
 * attempts and runs are timed once, by their observations ({@code saga.step} with tags
 * {@code saga}, {@code step}, {@code outcome}, {@code error}; {@code saga.run}), which Boot's
 * observation handlers turn into timers of those names.
 */
public class SagaMetrics implements SagaListener, MeterBinder {

    private final SagaOperations sagas;
    private final Duration refresh;
    private final AtomicReference<@Nullable Snapshot> snapshot = new AtomicReference<>();
    /** Set once bound to a registry; until then listener calls count nothing. */
    private volatile @Nullable MeterRegistry registry;

    public SagaMetrics(SagaOperations sagas, Duration refresh) {
        this.sagas = sagas;
        this.refresh = refresh;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        for (var status : SagaStatus.values()) {
            Gauge.builder("saga.instances", () -> snapshot().byStatus().getOrDefault(status, 0L))
                    .description("Saga instances by status").tag("status", lower(status)).register(meterRegistry);
        }
        Gauge.builder("saga.backlog", () -> snapshot().backlog().due())
                .description("Sagas due to run that no node has claimed").register(meterRegistry);
        Gauge.builder("saga.backlog.oldest.age", () -> snapshot().backlog().oldestDueAge().toMillis() / 1000.0)
                .description("How long the oldest due saga has waited for a node").baseUnit("seconds")
                .register(meterRegistry);
    }

    @Override
    public void sagaStarted(String sagaName) {
        if (registry != null) {
            Counter.builder("saga.started").description("Sagas started").tag("saga", sagaName).register(registry)
                    .increment();
        }
    }

    @Override
    public void sagaFinished(String sagaName, SagaStatus outcome, Duration duration) {
        if (registry != null) {
            Counter.builder("saga.finished").description("Sagas that reached a terminal status")
                    .tags("saga", sagaName, "outcome", lower(outcome)).register(registry).increment();
            Timer.builder("saga.duration").description("Time from a saga's start to its end")
                    .tags("saga", sagaName, "outcome", lower(outcome)).register(registry).record(duration);
        }
    }

    @Override
    public void stepAttempted(String sagaName, String stepName, StepOutcome outcome, Duration duration) {
        if (registry == null) {
            return;
        }
        if (outcome == StepOutcome.RETRYING) {
            Counter.builder("saga.step.retries").description("Failed step attempts that are tried again")
                    .tags("saga", sagaName, "step", stepName).register(registry).increment();
        }
    }

    private Snapshot snapshot() {
        var current = snapshot.get();
        if (current == null || current.takenAt().isBefore(Instant.now().minus(refresh))) {
            var byStatus = new java.util.EnumMap<SagaStatus, Long>(SagaStatus.class);
            sagas.countByNameAndStatus().values().forEach(counts -> counts.forEach((status, count) ->
                    byStatus.merge(status, count, Long::sum)));
            current = new Snapshot(Instant.now(), byStatus, sagas.backlog());
            snapshot.set(current);
        }
        return current;
    }

    private static String lower(SagaStatus status) {
        return status.name().toLowerCase();
    }

    private record Snapshot(Instant takenAt, Map<SagaStatus, Long> byStatus, SagaBacklog backlog) {
    }
}
