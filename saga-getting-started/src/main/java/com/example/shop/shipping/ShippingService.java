package com.example.shop.shipping;

import org.springframework.stereotype.Service;

import dev.saga.Compensate;
import dev.saga.Sagas;
import dev.saga.Step;
import com.example.shop.order.OrderRequest;

@Service("shipping")
public class ShippingService {

    private final CarrierClient carrier;   // your own client

    ShippingService(CarrierClient carrier) {
        this.carrier = carrier;
    }

    @Step(maxRetries = 5, delay = "2s", maxDelay = "1m", timeout = "10s")
    public Label createLabel(OrderRequest order) {
        return carrier.createLabel(order.orderId(), Sagas.idempotencyKey());
    }

    @Compensate("createLabel")
    public void voidLabel(OrderRequest order, Label label) {
        if (label != null) {
            carrier.voidLabel(label.trackingNumber());
        } else {
            carrier.voidLabelsOf(order.orderId());   // createLabel failed; it may have created one
        }
    }
}
