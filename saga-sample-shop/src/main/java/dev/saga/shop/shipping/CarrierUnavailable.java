package dev.saga.shop.shipping;

/** The carrier failed transiently (injected by {@code shop.faults.carrier-failure-rate}); retried. */
public class CarrierUnavailable extends RuntimeException {

    public CarrierUnavailable(String message) {
        super(message);
    }
}
