package dev.saga.shop.shipping;

/** The result of {@link ShippingService#createLabel}: a shipping label at the (fake) carrier. */
public record Label(String trackingNumber) {
}
