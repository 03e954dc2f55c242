package dev.saga.shop.payment;

import java.nio.charset.StandardCharsets;
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
 * Charges and refunds through a fake payment gateway (the {@code payment} table stands in for the
 * gateway's records). Not transactional, like a call to a real gateway: a retry after a crash may
 * call it again, so the charge id comes from {@link Sagas#idempotencyKey()} and a repeated charge
 * returns the first one instead of charging twice.
 */
@Service
public class PaymentService {

    private static final Logger log = LoggerFactory.getLogger(PaymentService.class);

    private final PaymentRepository payments;
    private final PurchaseOrderRepository orders;

    PaymentService(PaymentRepository payments, PurchaseOrderRepository orders) {
        this.payments = payments;
        this.orders = orders;
    }

    @Step
    public Charge charge(OrderRequest order) {
        var chargeId = chargeIdFor(Sagas.idempotencyKey());
        var payment = payments.findById(chargeId).orElseGet(() -> {
            log.info("Charging {} for order {}", order.amount(), order.orderId());
            return payments.save(new Payment(chargeId, order.orderId(), order.amount()));
        });
        orders.updateStatus(order.orderId(), OrderStatus.PAID);
        return new Charge(payment.getId(), payment.getAmount());
    }

    @Compensate("charge")
    public void refund(OrderRequest order, Charge charge) {
        // a charge that failed for good has no result, yet may have gone through: find it by its key
        var chargeId = charge != null ? charge.id() : chargeIdFor(Sagas.idempotencyKeyOfCompensatedStep());
        if (payments.markRefunded(chargeId) > 0) {
            log.info("Refunded charge {} of order {}", chargeId, order.orderId());
        }
        orders.updateStatus(order.orderId(), OrderStatus.CANCELLED);
    }

    private static UUID chargeIdFor(String idempotencyKey) {
        return UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8));
    }
}
