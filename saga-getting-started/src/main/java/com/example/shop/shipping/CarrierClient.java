package com.example.shop.shipping;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** Stands in for a carrier's client: labels in memory, one per idempotency key. */
@Component
public class CarrierClient {

    private final Map<String, Label> labelsByKey = new ConcurrentHashMap<>();
    private final Map<String, UUID> orderOfLabel = new ConcurrentHashMap<>();
    private final Set<String> voided = ConcurrentHashMap.newKeySet();

    public Label createLabel(UUID orderId, String idempotencyKey) {
        return labelsByKey.computeIfAbsent(idempotencyKey, key -> {
            var label = new Label("TRK-" + UUID.randomUUID().toString().substring(0, 8));
            orderOfLabel.put(label.trackingNumber(), orderId);
            return label;
        });
    }

    public void voidLabel(String trackingNumber) {
        voided.add(trackingNumber);
    }

    public void voidLabelsOf(UUID orderId) {
        orderOfLabel.forEach((trackingNumber, order) -> {
            if (order.equals(orderId)) {
                voided.add(trackingNumber);
            }
        });
    }
}
