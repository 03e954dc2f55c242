package dev.saga.shop.order;

import java.util.UUID;

/** The answer to {@code POST /orders}: the new order and the saga fulfilling it. */
public record PlacedOrder(UUID orderId, UUID sagaId) {
}
