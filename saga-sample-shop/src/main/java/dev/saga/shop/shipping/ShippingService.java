package dev.saga.shop.shipping;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.saga.Compensate;
import dev.saga.Sagas;
import dev.saga.Step;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PurchaseOrderRepository;

/**
 * Creates and voids shipping labels at the {@link FakeCarrier}. The tracking number comes from
 * {@link Sagas#idempotencyKey()}, so a retried call (or one run again after a crash) names the same
 * label. Its retry policy is in {@code application.yml} ({@code saga.sagas.order-fulfilment.steps.createLabel}).
 */
@Service("shipping") // the ledger names its steps shipping.<step>: a class rename leaves running sagas intact
public class ShippingService {

    private final FakeCarrier carrier;
    private final PurchaseOrderRepository orders;

    ShippingService(FakeCarrier carrier, PurchaseOrderRepository orders) {
        this.carrier = carrier;
        this.orders = orders;
    }

    @Step
    public Label createLabel(OrderRequest order) {
        var label = new Label(trackingNumberFor(Sagas.idempotencyKey()));
        carrier.createLabel(label.trackingNumber(), order.orderId());
        orders.updateStatus(order.orderId(), OrderStatus.LABELLED);
        return label;
    }

    /** {@code label} is null when creating it failed for good: the key tells which label it would be. */
    @Compensate("createLabel")
    public void voidLabel(OrderRequest order, Label label) {
        var trackingNumber = label != null ? label.trackingNumber()
                : trackingNumberFor(Sagas.idempotencyKeyOfCompensatedStep());
        carrier.voidLabel(trackingNumber);
        orders.updateStatus(order.orderId(), OrderStatus.RESERVED);
    }

    private static String trackingNumberFor(String idempotencyKey) {
        var key = UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8));
        return "TRK-" + key.toString().substring(0, 13).replace("-", "").toUpperCase(Locale.ROOT);
    }
}
