package dev.saga;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A filter for {@link SagaClient#list(SagaQuery)}: every criterion that is not {@code null}
 * must hold. Results are newest first, a page at a time.
 *
 * @param name the saga's name
 * @param status its status
 * @param businessKey its business key
 * @param startedFrom started at or after
 * @param startedTo started before
 * @param page the page, from 0
 * @param size the page size, 1 to {@value #MAX_PAGE_SIZE}
 * @param condition where an unfinished saga stands: waiting, retrying or stuck
 * @param runningLongerThan unfinished and started longer ago than this
 */
public record SagaQuery(@Nullable String name, @Nullable SagaStatus status, @Nullable String businessKey,
        @Nullable Instant startedFrom, @Nullable Instant startedTo, int page, int size,
        @Nullable Condition condition, @Nullable Duration runningLongerThan) {

    /** The largest page that can be asked for. */
    public static final int MAX_PAGE_SIZE = 200;

    public SagaQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must not be negative: " + page);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_PAGE_SIZE + ": " + size);
        }
        if (runningLongerThan != null && runningLongerThan.isNegative()) {
            throw new IllegalArgumentException("runningLongerThan must not be negative: " + runningLongerThan);
        }
    }

    /** A filter without {@link #condition()} or {@link #runningLongerThan()}. */
    public SagaQuery(@Nullable String name, @Nullable SagaStatus status, @Nullable String businessKey,
            @Nullable Instant startedFrom, @Nullable Instant startedTo, int page, int size) {
        this(name, status, businessKey, startedFrom, startedTo, page, size, null, null);
    }

    /** Every saga, the first page of 20. */
    public static SagaQuery all() {
        return new SagaQuery(null, null, null, null, null, 0, 20);
    }

    /** This filter, narrowed to sagas in the given condition. */
    public SagaQuery withCondition(@Nullable Condition condition) {
        return new SagaQuery(name, status, businessKey, startedFrom, startedTo, page, size, condition,
                runningLongerThan);
    }

    /** This filter, narrowed to unfinished sagas started longer ago than the given time. */
    public SagaQuery withRunningLongerThan(@Nullable Duration runningLongerThan) {
        return new SagaQuery(name, status, businessKey, startedFrom, startedTo, page, size, condition,
                runningLongerThan);
    }

    /** Where an unfinished saga stands, as {@link SagaView.Progress} shows it. */
    public enum Condition {
        /** Waiting for a signal or in a sleep: its pending entry is WAITING. */
        WAITING,
        /** A step or compensation waits for its next attempt: its pending entry is RETRYING. */
        RETRYING,
        /** No live node seems to run it: {@link SagaView.Progress#stuck()}. */
        STUCK
    }
}
