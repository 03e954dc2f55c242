package dev.saga.shop.payment;

/** The gateway's answer to a charge. */
public enum PaymentOutcome {
    APPROVED,
    DECLINED
}
