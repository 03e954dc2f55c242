package dev.saga.shop.warehouse;

/** Nobody picked the item within {@code shop.timeouts.pick}: the order is cancelled and refunded. */
public class NotPickedInTime extends RuntimeException {

    public NotPickedInTime(String message) {
        super(message);
    }
}
