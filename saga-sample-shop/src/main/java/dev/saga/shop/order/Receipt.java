package dev.saga.shop.order;

import java.util.UUID;

/** The output of a completed {@code order-fulfilment} saga. */
public record Receipt(UUID orderId, UUID chargeId, String trackingNumber) {
}
