package dev.saga.shop.inventory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Step;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PurchaseOrderRepository;

/**
 * Reserves and releases stock. Both methods are {@code @Transactional}, so the stock change, the
 * order's status and the saga's ledger record commit together: each happens exactly once.
 */
@Service("inventory") // the ledger names its steps inventory.<step>: a class rename leaves running sagas intact
public class InventoryService {

    private final StockRepository stock;
    private final PurchaseOrderRepository orders;

    InventoryService(StockRepository stock, PurchaseOrderRepository orders) {
        this.stock = stock;
        this.orders = orders;
    }

    /** Out of stock is an answer, not a glitch: it is not retried. */
    @Step(excludes = OutOfStock.class)
    @Transactional
    public void reserve(OrderRequest order) {
        if (stock.take(order.item(), order.quantity()) == 0) {
            throw new OutOfStock("Cannot reserve " + order.quantity() + " x '" + order.item() + "': only "
                    + stock.findById(order.item()).map(Stock::getAvailable).orElse(0) + " available");
        }
        orders.updateStatus(order.orderId(), OrderStatus.RESERVED);
    }

    @Compensate("reserve")
    @Transactional
    public void release(OrderRequest order) {
        stock.putBack(order.item(), order.quantity());
        orders.updateStatus(order.orderId(), OrderStatus.PAID);
    }
}
