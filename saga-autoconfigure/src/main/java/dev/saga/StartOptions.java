package dev.saga;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Options for {@link SagaClient#start(String, Object, StartOptions)}.
 *
 * <pre>{@code
 * client.start("order-fulfilment", order, StartOptions.businessKey(order.id()));
 * client.start("reminder", input, StartOptions.defaults().withStartDelay(Duration.ofHours(1)));
 * client.start("signing", document, StartOptions.businessKey(document.id()).withDeadline(Duration.ofDays(40)));
 * }</pre>
 *
 * @param businessKey makes the start idempotent: starting a saga of the same name with the same
 *     key again returns the first saga's id and starts nothing; {@code null} for none; not blank,
 *     and without the character U+0000 (which PostgreSQL cannot store)
 * @param startDelay how long to wait before the saga first runs; never negative
 * @param deadline how long the saga may take from its start: when it has not finished by then it
 *     is cancelled (it stops and compensates); {@code null} takes {@code saga.sagas.<saga>.deadline},
 *     if set
 */
public record StartOptions(@Nullable String businessKey, Duration startDelay, @Nullable Duration deadline) {

    public StartOptions {
        if (businessKey != null && businessKey.isBlank()) {
            throw new IllegalArgumentException("businessKey must not be blank; pass null for none");
        }
        if (businessKey != null && businessKey.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("businessKey contains the character U+0000, which PostgreSQL cannot"
                    + " store in text; remove or replace it");
        }
        startDelay = startDelay == null ? Duration.ZERO : startDelay;
        if (startDelay.isNegative()) {
            throw new IllegalArgumentException("startDelay must not be negative: " + startDelay);
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
    }

    /** No business key, no delay. */
    public static StartOptions defaults() {
        return new StartOptions(null, Duration.ZERO, null);
    }

    /** Options with the given business key. */
    public static StartOptions businessKey(String businessKey) {
        return new StartOptions(businessKey, Duration.ZERO, null);
    }

    /** A copy with the given business key. */
    public StartOptions withBusinessKey(@Nullable String key) {
        return new StartOptions(key, startDelay, deadline);
    }

    /** A copy with the given start delay. */
    public StartOptions withStartDelay(Duration delay) {
        return new StartOptions(businessKey, delay, deadline);
    }

    /** A copy with the given deadline, counted from the start. */
    public StartOptions withDeadline(@Nullable Duration within) {
        return new StartOptions(businessKey, startDelay, within);
    }
}
