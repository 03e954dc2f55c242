package dev.saga.internal.outbox;

import java.util.UUID;

/**
 * A saga this node claimed to run.
 *
 * @param sagaId the saga
 * @param fencing the fencing number of this claim; writes with an older one are refused
 * @param recoveries how often the saga was claimed again after a lease ran out
 * @param wakeups the count of signals and cancellations when it was claimed; more later means
 *     the run must not sleep past them
 */
public record Claim(UUID sagaId, long fencing, int recoveries, int wakeups) {
}
