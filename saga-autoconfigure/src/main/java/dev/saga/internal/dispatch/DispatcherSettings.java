package dev.saga.internal.dispatch;

import java.time.Duration;

/**
 * How the dispatcher runs.
 *
 * @param nodeId this node's name in claims
 * @param workerThreads how many sagas run at once on this node
 * @param pollInterval how often due work is looked for when nothing wakes the dispatcher sooner
 * @param lease how long a claim lasts unless renewed; a dead node's work is claimed again after it
 * @param shutdownTimeout how long stopping waits for running sagas before leaving them to their leases
 */
public record DispatcherSettings(String nodeId, int workerThreads, Duration pollInterval, Duration lease,
        Duration shutdownTimeout) {

    public DispatcherSettings {
        if (workerThreads < 1) {
            throw new IllegalArgumentException("saga.dispatcher.worker-threads must be at least 1: " + workerThreads);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("saga.dispatcher.poll-interval must be positive: " + pollInterval);
        }
        if (lease.toMillis() < 100) {
            throw new IllegalArgumentException("saga.dispatcher.lease must be at least 100ms: " + lease);
        }
    }
}
