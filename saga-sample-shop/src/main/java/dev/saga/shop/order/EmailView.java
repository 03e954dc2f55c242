package dev.saga.shop.order;

import java.time.Instant;

/** An email sent about an order, as shown by {@code GET /orders/{id}} and {@code GET /orders/{id}/emails}. */
public record EmailView(String kind, String recipient, String subject, String body, Instant sentAt) {
}
