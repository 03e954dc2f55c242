package dev.saga.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import dev.saga.SagaStatus;
import dev.saga.internal.dispatch.DispatcherSettings;
import dev.saga.internal.replay.HistoryLimits;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.retry.SagaRetryLayers;

/**
 * {@link SagaProperties} as the engine takes them: the one place where a property becomes an
 * engine setting, so that the auto-configurations only pass values on.
 */
final class EngineSettings {

    private EngineSettings() {
    }

    static RetryPolicies retryPolicies(SagaProperties properties) {
        return new RetryPolicies(defaults(properties.retry()), layers(properties.sagas()));
    }

    /** The one place a {@code saga.retry.*} default turns into a policy value. */
    static RetryPolicy defaults(SagaProperties.Retry retry) {
        return new RetryPolicy(retry.maxRetries(), retry.delay(), retry.multiplier(), retry.maxDelay(),
                retry.jitter(), retry.includes(), retry.excludes(), retry.timeout());
    }

    /** The per-saga and per-step layers are bound as the engine's own records; only the map is built. */
    static SagaRetryLayers layers(Map<String, SagaProperties.SagaSettings> sagas) {
        var bySaga = new HashMap<String, SagaRetryLayers.SagaLayers>();
        sagas.forEach((saga, settings) -> bySaga.put(saga,
                new SagaRetryLayers.SagaLayers(settings.retry(), settings.steps())));
        return new SagaRetryLayers(bySaga);
    }

    static HistoryLimits historyLimits(SagaProperties properties) {
        return new HistoryLimits(properties.history().warnEntries(), properties.history().maxEntries());
    }

    static SagaRunner.Settings runner(SagaProperties properties) {
        return new SagaRunner.Settings(nodeId(properties), properties.maxRecoveryAttempts());
    }

    static DispatcherSettings dispatcher(SagaProperties properties, String nodeId) {
        var dispatcher = properties.dispatcher();
        return new DispatcherSettings(nodeId, dispatcher.workerThreads(), dispatcher.pollInterval(),
                dispatcher.lease(), dispatcher.shutdownTimeout());
    }

    /** {@code saga.sagas.<name>.deadline} of the sagas that have one. */
    static Map<String, Duration> defaultDeadlines(SagaProperties properties) {
        var deadlines = new HashMap<String, Duration>();
        properties.sagas().forEach((saga, settings) -> {
            if (settings.deadline() != null) {
                deadlines.put(saga, settings.deadline());
            }
        });
        return deadlines;
    }

    /** How long finished sagas are kept, by status; a status left out is kept for ever. */
    static Map<SagaStatus, Duration> retention(SagaProperties.Retention retention) {
        var keep = new EnumMap<SagaStatus, Duration>(SagaStatus.class);
        putIfSet(keep, SagaStatus.COMPLETED, retention.completed());
        putIfSet(keep, SagaStatus.COMPENSATED, retention.compensated());
        putIfSet(keep, SagaStatus.CANCELLED, retention.cancelled());
        putIfSet(keep, SagaStatus.FAILED, retention.failed());
        putIfSet(keep, SagaStatus.PARKED, retention.parked());
        return keep;
    }

    private static void putIfSet(Map<SagaStatus, Duration> keep, SagaStatus status, Duration duration) {
        if (duration != null) {
            keep.put(status, duration);
        }
    }

    /**
     * How far this node's clock may be from the database's before a warning: a quarter lease, at
     * least a second (leases and due times come from each node's clock).
     */
    static Duration clockTolerance(SagaProperties properties) {
        var quarterLease = properties.dispatcher().lease().dividedBy(4);
        return quarterLease.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : quarterLease;
    }

    /** {@code saga.dispatcher.node-id}, else the host name with a random suffix (unique per start). */
    static String nodeId(SagaProperties properties) {
        var configured = properties.dispatcher().nodeId();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
