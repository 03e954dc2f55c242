package dev.saga.shop.payment;

/** A charge's state at the (fake) gateway. */
public enum PaymentStatus {
    /** Registered; the gateway has not decided yet. */
    PENDING,
    /** The gateway approved it: the customer paid. */
    APPROVED,
    /** The gateway declined it: nothing was paid. */
    DECLINED,
    /** Approved, then refunded by the saga's compensation. */
    REFUNDED,
    /** Cancelled by the saga's compensation before the gateway decided. */
    VOIDED
}
