package dev.saga.shop.shipping;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.saga.Compensate;
import dev.saga.Sagas;
import dev.saga.Step;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PurchaseOrderRepository;

/**
 * Creates and voids shipping labels at a fake carrier. The tracking number comes from
 * {@link Sagas#idempotencyKey()}, so a retried call names the same label.
 */
@Service
public class ShippingService {

    private static final Logger log = LoggerFactory.getLogger(ShippingService.class);

    private final PurchaseOrderRepository orders;

    ShippingService(PurchaseOrderRepository orders) {
        this.orders = orders;
    }

    @Step
    public Label createLabel(OrderRequest order) {
        var key = UUID.nameUUIDFromBytes(Sagas.idempotencyKey().getBytes(StandardCharsets.UTF_8));
        var label = new Label("TRK-" + key.toString().substring(0, 13).replace("-", "").toUpperCase(Locale.ROOT));
        log.info("Created label {} for order {}", label.trackingNumber(), order.orderId());
        orders.updateStatus(order.orderId(), OrderStatus.SHIPPED);
        return label;
    }

    @Compensate("createLabel")
    public void voidLabel(OrderRequest order, Label label) {
        // null when creating the label failed for good: the fake carrier keeps nothing to void then
        if (label != null) {
            log.info("Voided label {} of order {}", label.trackingNumber(), order.orderId());
        }
        orders.updateStatus(order.orderId(), OrderStatus.RESERVED);
    }
}
