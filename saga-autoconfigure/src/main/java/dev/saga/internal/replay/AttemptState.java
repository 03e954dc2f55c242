package dev.saga.internal.replay;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.retry.RetryPolicy;

/**
 * One step call as its attempts go on: what is called, its ledger row so far, and who owns the
 * current attempt's outcome: the attempt that records its success, or the timeout that abandons it.
 */
final class AttemptState {

    private static final int RUNNING = 0;
    private static final int SUCCEEDING = 1;
    private static final int ABANDONED = 2;

    private final ReplayCursor cursor;
    private final StepDefinition step;
    private final RetryPolicy policy;
    private final StepInvocation method;
    private final AtomicInteger owner = new AtomicInteger();
    /** Advanced by a timed attempt's thread only while the saga's thread waits for it. */
    private StepRecord row;
    private Instant startedAt;

    AttemptState(ReplayCursor cursor, StepDefinition step, RetryPolicy policy, StepInvocation method, StepRecord row,
            Instant now) {
        this.cursor = cursor;
        this.step = step;
        this.policy = policy;
        this.method = method;
        this.row = row;
        this.startedAt = now;
    }

    ReplayCursor cursor() {
        return cursor;
    }

    StepDefinition step() {
        return step;
    }

    RetryPolicy policy() {
        return policy;
    }

    StepInvocation method() {
        return method;
    }

    StepRecord row() {
        return row;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** The row as the last attempt's record wrote it. */
    void recorded(StepRecord latest) {
        row = latest;
    }

    void begin(Instant now) {
        startedAt = now;
        owner.set(RUNNING);
    }

    boolean claimSuccess() {
        return owner.compareAndSet(RUNNING, SUCCEEDING);
    }

    boolean abandon() {
        return owner.compareAndSet(RUNNING, ABANDONED);
    }
}
