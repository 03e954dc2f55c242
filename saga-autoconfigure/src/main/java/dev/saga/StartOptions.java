package dev.saga;

import java.time.Duration;

/**
 * Options for {@link SagaClient#start(String, Object, StartOptions)}.
 *
 * <pre>{@code
 * client.start("order-fulfilment", order, StartOptions.businessKey(order.id()));
 * client.start("reminder", input, StartOptions.defaults().withStartDelay(Duration.ofHours(1)));
 * }</pre>
 *
 * @param businessKey makes the start idempotent: starting a saga of the same name with the same
 *     key again returns the first saga's id and starts nothing; {@code null} for none
 * @param startDelay how long to wait before the saga first runs; never negative
 */
public record StartOptions(String businessKey, Duration startDelay) {

    public StartOptions {
        if (businessKey != null && businessKey.isBlank()) {
            throw new IllegalArgumentException("businessKey must not be blank; pass null for none");
        }
        startDelay = startDelay == null ? Duration.ZERO : startDelay;
        if (startDelay.isNegative()) {
            throw new IllegalArgumentException("startDelay must not be negative: " + startDelay);
        }
    }

    /** No business key, no delay. */
    public static StartOptions defaults() {
        return new StartOptions(null, Duration.ZERO);
    }

    /** Options with the given business key. */
    public static StartOptions businessKey(String businessKey) {
        return new StartOptions(businessKey, Duration.ZERO);
    }

    /** A copy with the given business key. */
    public StartOptions withBusinessKey(String key) {
        return new StartOptions(key, startDelay);
    }

    /** A copy with the given start delay. */
    public StartOptions withStartDelay(Duration delay) {
        return new StartOptions(businessKey, delay);
    }
}
