package dev.saga.shop.order;

import dev.saga.Saga;
import dev.saga.shop.inventory.InventoryService;
import dev.saga.shop.payment.Charge;
import dev.saga.shop.payment.PaymentService;
import dev.saga.shop.shipping.Label;
import dev.saga.shop.shipping.ShippingService;

/**
 * Fulfils an order: charge, reserve, ship. When a step fails for good, the engine undoes the
 * completed ones in reverse order (void the label, release the stock, refund the charge).
 */
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
