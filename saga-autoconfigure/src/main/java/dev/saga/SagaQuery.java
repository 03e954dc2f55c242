package dev.saga;

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
 */
public record SagaQuery(@Nullable String name, @Nullable SagaStatus status, @Nullable String businessKey,
        @Nullable Instant startedFrom, @Nullable Instant startedTo, int page, int size) {

    /** The largest page that can be asked for. */
    public static final int MAX_PAGE_SIZE = 200;

    public SagaQuery {
        if (page < 0) {
            throw new IllegalArgumentException("page must not be negative: " + page);
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("size must be between 1 and " + MAX_PAGE_SIZE + ": " + size);
        }
    }

    /** Every saga, the first page of 20. */
    public static SagaQuery all() {
        return new SagaQuery(null, null, null, null, null, 0, 20);
    }
}
