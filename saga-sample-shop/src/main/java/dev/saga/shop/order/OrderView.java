package dev.saga.shop.order;

import java.time.Instant;
import java.util.UUID;

import dev.saga.SagaStatus;

/**
 * The answer to {@code GET /orders/{id}}: the order and where its saga stands.
 *
 * @param sagaError why the saga failed (type and message), or {@code null}
 */
public record OrderView(UUID id, String item, int quantity, OrderStatus status, Instant createdAt, UUID sagaId,
        SagaStatus sagaStatus, String sagaError) {
}
