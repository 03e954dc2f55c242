package dev.saga.shop.payment;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.stereotype.Service;

import dev.saga.Compensate;
import dev.saga.Sagas;
import dev.saga.Step;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PurchaseOrderRepository;

/**
 * The saga's payment steps, through the {@link FakePaymentGateway}. Not transactional, like a
 * call to a real gateway: a retry after a crash may call it again, so the charge id comes from
 * {@link Sagas#idempotencyKey()} and registering the same charge twice charges once.
 */
@Service("payments") // the ledger names its steps payments.<step>: a class rename leaves running sagas intact
public class PaymentService {

    private final FakePaymentGateway gateway;
    private final PurchaseOrderRepository orders;

    PaymentService(FakePaymentGateway gateway, PurchaseOrderRepository orders) {
        this.gateway = gateway;
        this.orders = orders;
    }

    /**
     * Registers the charge with the gateway, handing it the saga id as the callback key. The
     * gateway answers later, through {@code POST /webhooks/payments}; the saga waits for that.
     */
    @Step
    public Charge charge(OrderRequest order) {
        var payment = gateway.register(chargeIdFor(Sagas.idempotencyKey()), order.orderId(), order.amount(),
                Sagas.sagaId());
        return new Charge(payment.getId(), payment.getAmount());
    }

    /**
     * Undoes {@link #charge}. Copes with every case: approved (refund), still pending (void),
     * declined (nothing was paid: nothing to refund), or never registered (a charge that failed for
     * good has no result; its idempotency key tells which charge it would have been).
     */
    @Compensate("charge")
    public void refund(OrderRequest order, Charge charge) {
        var chargeId = charge != null ? charge.id() : chargeIdFor(Sagas.idempotencyKeyOfCompensatedStep());
        var status = gateway.refund(chargeId);
        orders.updateStatus(order.orderId(),
                status == PaymentStatus.DECLINED ? OrderStatus.DECLINED : OrderStatus.CANCELLED);
    }

    /** The gateway approved: the order is paid. Nothing to undo here: {@link #refund} undoes the charge. */
    @Step(compensation = Step.Compensation.NONE)
    public void markPaid(OrderRequest order) {
        orders.updateStatus(order.orderId(), OrderStatus.PAID);
    }

    private static UUID chargeIdFor(String idempotencyKey) {
        return UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8));
    }
}
