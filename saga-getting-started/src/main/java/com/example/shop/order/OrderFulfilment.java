package com.example.shop.order;

import dev.saga.Saga;
import com.example.shop.inventory.InventoryService;
import com.example.shop.payment.Charge;
import com.example.shop.payment.PaymentService;
import com.example.shop.shipping.Label;
import com.example.shop.shipping.ShippingService;

@Saga("order-fulfilment")
public class OrderFulfilment {

    private final PaymentService payments;
    private final InventoryService inventory;
    private final ShippingService shipping;

    OrderFulfilment(PaymentService payments, InventoryService inventory, ShippingService shipping) {
        this.payments = payments;
        this.inventory = inventory;
        this.shipping = shipping;
    }

    public Receipt run(OrderRequest order) {
        Charge charge = payments.charge(order);
        inventory.reserve(order);
        Label label = shipping.createLabel(order);
        return new Receipt(order.orderId(), charge.id(), label.trackingNumber());
    }
}
