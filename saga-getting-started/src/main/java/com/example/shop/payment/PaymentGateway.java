package com.example.shop.payment;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Stands in for a payment provider's client: it keeps the charges in memory, one per idempotency
 * key, as a real provider does with the key it is given.
 */
@Component
public class PaymentGateway {

    private final Map<String, Charge> chargesByKey = new ConcurrentHashMap<>();
    private final Map<UUID, UUID> orderOfCharge = new ConcurrentHashMap<>();
    private final Map<UUID, Charge> refunded = new ConcurrentHashMap<>();

    public Charge charge(UUID orderId, BigDecimal amount, String idempotencyKey) {
        return chargesByKey.computeIfAbsent(idempotencyKey, key -> {
            var charge = new Charge(UUID.randomUUID(), amount);
            orderOfCharge.put(charge.id(), orderId);
            return charge;
        });
    }

    public void refund(UUID chargeId) {
        chargesByKey.values().stream().filter(charge -> charge.id().equals(chargeId)).findFirst()
                .ifPresent(charge -> refunded.put(chargeId, charge));
    }

    public void refundIfCharged(UUID orderId) {
        orderOfCharge.forEach((chargeId, order) -> {
            if (order.equals(orderId)) {
                refund(chargeId);
            }
        });
    }

    /** Whether the order was charged and the charge refunded. */
    public boolean refunded(UUID orderId) {
        return refunded.keySet().stream().anyMatch(chargeId -> orderId.equals(orderOfCharge.get(chargeId)));
    }
}
