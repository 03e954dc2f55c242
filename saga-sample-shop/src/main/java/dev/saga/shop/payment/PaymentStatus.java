package dev.saga.shop.payment;

public enum PaymentStatus {
    CHARGED,
    REFUNDED
}
