package dev.saga.shop.order;

import java.time.Instant;

/** The signals the {@code order-fulfilment} saga waits for, with their payloads. */
public final class Signals {

    /** From the payment gateway's webhook; payload {@code PaymentResult}. */
    public static final String PAYMENT_RESULT = "payment-result";

    /** From {@code POST /orders/{id}/picked}; payload {@link Picked}. */
    public static final String ITEM_PICKED = "item-picked";

    /** From {@code POST /orders/{id}/collected}; payload {@link Collected}. */
    public static final String COLLECTED = "collected";

    private Signals() {
    }

    /** A warehouse worker picked the item (a signal's payload must not be null). */
    public record Picked(String by, Instant at) {
    }

    /** The customer collected the order. */
    public record Collected(Instant at) {
    }
}
