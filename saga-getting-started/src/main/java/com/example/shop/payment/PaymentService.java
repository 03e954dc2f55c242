package com.example.shop.payment;

import org.springframework.stereotype.Service;

import dev.saga.Compensate;
import dev.saga.Sagas;
import dev.saga.Step;
import com.example.shop.order.OrderRequest;

@Service("payments")
public class PaymentService {

    private final PaymentGateway gateway;   // your own client

    PaymentService(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    @Step
    public Charge charge(OrderRequest order) {
        // the same key on every retry and replay of this step
        return gateway.charge(order.orderId(), order.amount(), Sagas.idempotencyKey());
    }

    // takes the step's parameters, optionally followed by the step's result
    @Compensate("charge")
    public void refund(OrderRequest order, Charge charge) {
        if (charge != null) {
            gateway.refund(charge.id());             // must be harmless if it runs twice
        } else {
            // charge failed for good, but the gateway may have charged anyway (a timeout)
            gateway.refundIfCharged(order.orderId());
        }
    }
}
