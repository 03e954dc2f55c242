package dev.saga.shop.order;

/** Where an order stands; the fulfilment saga's steps and compensations move it along. */
public enum OrderStatus {
    /** Placed; the charge is registered with the gateway, which has not answered yet. */
    PENDING,
    /** The gateway approved the charge. */
    PAID,
    /** The stock is reserved. */
    RESERVED,
    /** The shipping label exists; waiting for the warehouse to pick the item. */
    LABELLED,
    /** Picked; the confirmation is sent, waiting for the customer to collect. */
    PICKED,
    /** The customer collected it: done. */
    COLLECTED,
    /** Never collected: closed after a reminder (no refund; the order was past its point of no return). */
    CLOSED,
    /** Fulfilment failed (out of stock, not picked in time...) and everything was undone and refunded. */
    CANCELLED,
    /** The gateway declined the payment; nothing was reserved or charged. */
    DECLINED
}
