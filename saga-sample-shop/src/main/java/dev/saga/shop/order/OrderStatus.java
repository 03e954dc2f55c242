package dev.saga.shop.order;

/** Where an order stands, as the fulfilment saga moves it along. */
public enum OrderStatus {
    /** Placed; the saga has not charged it yet. */
    PENDING,
    /** The payment is charged. */
    PAID,
    /** The stock is reserved. */
    RESERVED,
    /** The shipping label exists: the order is fulfilled. */
    SHIPPED,
    /** Fulfilment failed and the payment was refunded. */
    CANCELLED
}
