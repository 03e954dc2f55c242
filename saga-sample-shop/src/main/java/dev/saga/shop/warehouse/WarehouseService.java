package dev.saga.shop.warehouse;

import org.springframework.stereotype.Service;

import dev.saga.Step;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PurchaseOrderRepository;

/**
 * The warehouse and the pickup counter: record what people did. Plain status updates with
 * nothing of their own to undo (the label, stock and charge have their compensations).
 */
@Service("warehouse") // the ledger names its steps warehouse.<step>: a class rename leaves running sagas intact
public class WarehouseService {

    private final PurchaseOrderRepository orders;

    WarehouseService(PurchaseOrderRepository orders) {
        this.orders = orders;
    }

    @Step(compensation = Step.Compensation.NONE)
    public void markPicked(OrderRequest order) {
        orders.updateStatus(order.orderId(), OrderStatus.PICKED);
    }

    @Step(compensation = Step.Compensation.NONE)
    public void markCollected(OrderRequest order) {
        orders.updateStatus(order.orderId(), OrderStatus.COLLECTED);
    }

    /** Never collected: the order is closed as it is (past the pivot: no refund). */
    @Step(compensation = Step.Compensation.NONE)
    public void close(OrderRequest order) {
        orders.updateStatus(order.orderId(), OrderStatus.CLOSED);
    }
}
