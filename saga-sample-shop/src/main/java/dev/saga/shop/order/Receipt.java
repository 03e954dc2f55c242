package dev.saga.shop.order;

import java.util.UUID;

/**
 * The output of a completed {@code order-fulfilment} saga.
 *
 * @param outcome {@link OrderStatus#COLLECTED} or {@link OrderStatus#CLOSED}
 */
public record Receipt(UUID orderId, UUID chargeId, String trackingNumber, OrderStatus outcome) {
}
