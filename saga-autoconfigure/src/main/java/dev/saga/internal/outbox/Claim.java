package dev.saga.internal.outbox;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.ledger.InstanceRecord;

/**
 * A saga this node claimed to run.
 *
 * @param sagaId the saga
 * @param fencing the fencing number of this claim; writes with an older one are refused
 * @param recoveries how often the saga was claimed again after a lease ran out
 * @param wakeups the count of signals and cancellations when it was claimed; more later means
 *     the run must not sleep past them
 * @param startedHere the saga as this node just started it (with no history), or {@code null}
 *     when it was claimed from the outbox and must be read
 */
public record Claim(UUID sagaId, long fencing, int recoveries, int wakeups, @Nullable InstanceRecord startedHere) {

    /** The fencing number of a saga claimed at its start, by the node that started it. */
    public static final long FIRST_FENCING = 1;

    /** A claim taken from the outbox. */
    Claim(UUID sagaId, long fencing, int recoveries, int wakeups) {
        this(sagaId, fencing, recoveries, wakeups, null);
    }

    /** The claim a saga started on this node holds from its first commit. */
    public static Claim startedHere(InstanceRecord started) {
        return new Claim(started.saga().id(), FIRST_FENCING, 0, 0, started);
    }
}
