package dev.saga.shop.payment;

/** The gateway declined the charge: the saga fails and compensates (there is nothing to refund). */
public class PaymentDeclined extends RuntimeException {

    public PaymentDeclined(String message) {
        super(message);
    }
}
