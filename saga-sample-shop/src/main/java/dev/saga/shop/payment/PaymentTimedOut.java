package dev.saga.shop.payment;

/** The gateway did not call back in time ({@code shop.timeouts.payment}): the saga voids the charge. */
public class PaymentTimedOut extends RuntimeException {

    public PaymentTimedOut(String message) {
        super(message);
    }
}
