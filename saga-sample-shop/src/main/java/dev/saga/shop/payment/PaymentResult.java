package dev.saga.shop.payment;

import java.util.UUID;

/**
 * The body of the gateway's {@code POST /webhooks/payments}, passed on as the payload of the
 * saga's {@code payment-result} signal.
 *
 * @param sagaId the callback key the shop gave the gateway with the charge: the saga's id
 */
public record PaymentResult(UUID sagaId, UUID chargeId, PaymentOutcome outcome) {
}
