package dev.saga.shop.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.saga.SagaStatus;

/**
 * The answer to {@code GET /orders/{id}}: the order, where its saga stands, and the emails sent.
 *
 * @param sagaError why the saga failed (type and message), or {@code null}
 */
public record OrderView(UUID id, String item, int quantity, BigDecimal amount, String customerEmail,
        OrderStatus status, Instant createdAt, UUID sagaId, SagaStatus sagaStatus, String sagaError,
        List<EmailView> emails) {
}
