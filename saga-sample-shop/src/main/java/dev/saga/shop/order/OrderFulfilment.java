package dev.saga.shop.order;

import dev.saga.Saga;
import dev.saga.Sagas;
import dev.saga.shop.ShopProperties;
import dev.saga.shop.inventory.InventoryService;
import dev.saga.shop.mail.MailService;
import dev.saga.shop.payment.Charge;
import dev.saga.shop.payment.PaymentDeclined;
import dev.saga.shop.payment.PaymentOutcome;
import dev.saga.shop.payment.PaymentResult;
import dev.saga.shop.payment.PaymentService;
import dev.saga.shop.payment.PaymentTimedOut;
import dev.saga.shop.shipping.Label;
import dev.saga.shop.shipping.ShippingService;
import dev.saga.shop.warehouse.NotPickedInTime;
import dev.saga.shop.warehouse.WarehouseService;

/**
 * Fulfils an order, in plain Java; every call on another bean is a durable step, every wait a
 * durable timer that holds no thread. When the saga throws before the confirmation email, the
 * engine undoes the completed steps newest first (void the label, release the stock, refund or void
 * the charge). The confirmation email is the pivot: after it nothing is undone.
 *
 * <ol>
 * <li>charge: register the charge with the gateway, then wait for its webhook ({@code payment-result});
 * declined → {@link PaymentDeclined} (nothing reserved yet; the refund finds nothing to refund)</li>
 * <li>reserve the stock (transactional: exactly once; out of stock is not retried)</li>
 * <li>create the shipping label (a flaky carrier: retried)</li>
 * <li>wait for the warehouse to pick it ({@code item-picked}); not in time → cancel and refund</li>
 * <li>send the confirmation: the point of no return</li>
 * <li>wait for the customer to collect ({@code collected}), remind once, then close the order</li>
 * </ol>
 */
@Saga("order-fulfilment")
public class OrderFulfilment {

    private final PaymentService payments;
    private final InventoryService inventory;
    private final ShippingService shipping;
    private final WarehouseService warehouse;
    private final MailService mail;
    private final ShopProperties.Timeouts timeouts;

    OrderFulfilment(PaymentService payments, InventoryService inventory, ShippingService shipping,
            WarehouseService warehouse, MailService mail, ShopProperties properties) {
        this.payments = payments;
        this.inventory = inventory;
        this.shipping = shipping;
        this.warehouse = warehouse;
        this.mail = mail;
        this.timeouts = properties.timeouts();
    }

    public Receipt run(OrderRequest order) {
        Charge charge = payments.charge(order);
        PaymentResult payment = Sagas.awaitSignal(Signals.PAYMENT_RESULT, PaymentResult.class, timeouts.payment())
                .orElseThrow(() -> new PaymentTimedOut("No answer from the payment gateway within "
                        + timeouts.payment() + " for charge " + charge.id()));
        if (payment.outcome() == PaymentOutcome.DECLINED) {
            throw new PaymentDeclined("The gateway declined charge " + charge.id() + " of " + charge.amount());
        }
        payments.markPaid(order);

        inventory.reserve(order);
        Label label = shipping.createLabel(order);

        if (Sagas.awaitSignal(Signals.ITEM_PICKED, Signals.Picked.class, timeouts.pick()).isEmpty()) {
            throw new NotPickedInTime("Nobody picked order " + order.orderId() + " within " + timeouts.pick());
        }
        warehouse.markPicked(order);

        mail.sendConfirmation(order, label); // the pivot: from here on, nothing is undone

        var collected = Sagas.awaitSignal(Signals.COLLECTED, Signals.Collected.class, timeouts.pickupReminder());
        if (collected.isEmpty()) {
            mail.sendPickupReminder(order);
            collected = Sagas.awaitSignal(Signals.COLLECTED, Signals.Collected.class, timeouts.pickupClose());
        }
        if (collected.isEmpty()) {
            warehouse.close(order);
            return new Receipt(order.orderId(), charge.id(), label.trackingNumber(), OrderStatus.CLOSED);
        }
        warehouse.markCollected(order);
        return new Receipt(order.orderId(), charge.id(), label.trackingNumber(), OrderStatus.COLLECTED);
    }
}
