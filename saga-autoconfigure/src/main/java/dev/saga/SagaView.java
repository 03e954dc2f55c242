package dev.saga;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one saga instance, as returned by {@link SagaClient#find(UUID)}.
 *
 * @param id the instance id
 * @param name the saga's name
 * @param version the definition version it started with
 * @param businessKey the business key given at start, or {@code null}
 * @param status where it stands
 * @param input the input as JSON, or {@code null} for a saga that takes none
 * @param output the output as JSON once {@link SagaStatus#COMPLETED}, else {@code null}
 * @param error the error that failed it (type and message), or {@code null}; for a cancelled
 *     saga, why it was cancelled
 * @param run its current run: 1, plus one for every {@link Sagas#continueAsNew(Object)}
 * @param historySize the entries recorded in the current run's history (steps, waits, timers,
 *     primitives, compensations)
 * @param deadline when it is cancelled unless finished, or {@code null}
 * @param createdAt when it was started
 * @param updatedAt when its status last changed or a node last took it up (not on every step)
 * @param finishedAt when it reached a terminal status, or {@code null}
 * @param traceId the id of the trace it was started in, which each of its runs continues (with
 *     Micrometer Tracing), or {@code null} when no trace was active at its start
 * @param progress where an unfinished saga stands for the engine (who runs it, what it waits
 *     for); {@code null} once it has finished, and in views built without it
 */
public record SagaView(
        UUID id,
        String name,
        int version,
        @Nullable String businessKey,
        SagaStatus status,
        @Nullable String input,
        @Nullable String output,
        @Nullable String error,
        int run,
        int historySize,
        @Nullable Instant deadline,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant finishedAt,
        @Nullable String traceId,
        @Nullable Progress progress) {

    /** A view without {@link #traceId()} and {@link #progress()}, as it was before the engine reported them. */
    public SagaView(UUID id, String name, int version, @Nullable String businessKey, SagaStatus status,
            @Nullable String input, @Nullable String output, @Nullable String error, int run, int historySize,
            @Nullable Instant deadline, Instant createdAt, Instant updatedAt, @Nullable Instant finishedAt) {
        this(id, name, version, businessKey, status, input, output, error, run, historySize, deadline, createdAt,
                updatedAt, finishedAt, null, null);
    }

    /**
     * Where an unfinished saga stands: what an on-call engineer asks of a saga that seems stuck.
     *
     * @param claimedBy the node that holds the saga's claim, which runs it now, or {@code null}
     *     while no node does (it waits, or is due and not yet taken up)
     * @param dueAt while claimed, when the claim's lease ends unless its node renews it; else when
     *     the saga is due to run next (a retry, a wait's timeout or wake-up, or now)
     * @param recoveries how often a node took the saga over from a node whose lease had run out,
     *     since its last recorded outcome (at {@code saga.max-recovery-attempts} it is parked)
     * @param stuck whether no live node seems to run it: it is claimed and its lease ran out, or
     *     it has been due and unclaimed for longer than a lease ({@code saga.dispatcher.lease})
     * @param pending the open entry of its history that it waits on, or {@code null}
     */
    public record Progress(@Nullable String claimedBy, Instant dueAt, int recoveries, boolean stuck,
            @Nullable Pending pending) {
    }

    /**
     * The open entry of a saga's history: a wait that has not ended ("waiting for signal X since
     * T, until U") or a step between attempts ("retry 4 of 6 at T").
     *
     * @param seq its position in the saga's history, as in {@link SagaStepView#seq()}
     * @param kind STEP, COMPENSATION, SIGNAL or SLEEP
     * @param name the step's name ({@code bean.step}) or the signal's name
     * @param status WAITING for a signal wait or sleep, RETRYING for a step or compensation
     * @param since when the entry started
     * @param until when the wait times out or ends, or the next attempt is due
     * @param attempts the attempts made so far (0 for a wait)
     * @param maxAttempts the attempts the step's retry policy allows in all ({@code max-retries}
     *     + 1), or {@code null} for a wait or a step that is not deployed on this node
     */
    public record Pending(int seq, String kind, String name, String status, Instant since, @Nullable Instant until,
            int attempts, @Nullable Integer maxAttempts) {
    }
}
