package dev.saga.shop.order;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.SagaClient;
import dev.saga.SagaView;
import dev.saga.StartOptions;

@Service
public class OrderService {

    /** Every item costs the same in this sample. */
    static final BigDecimal UNIT_PRICE = new BigDecimal("9.99");

    private final PurchaseOrderRepository orders;
    private final SagaClient sagas;

    OrderService(PurchaseOrderRepository orders, SagaClient sagas) {
        this.orders = orders;
        this.sagas = sagas;
    }

    /**
     * Saves the order and starts its fulfilment in one transaction: the saga exists if and only if
     * the order does, and it runs once this transaction has committed. The order id is the business
     * key, so the same order can never start two sagas.
     */
    @Transactional
    public PlacedOrder place(String item, int quantity) {
        var order = orders.save(new PurchaseOrder(item, quantity));
        var request = new OrderRequest(order.getId(), item, quantity,
                UNIT_PRICE.multiply(BigDecimal.valueOf(quantity)));
        UUID sagaId = sagas.start("order-fulfilment", request, StartOptions.businessKey(order.getId().toString()));
        order.setSagaId(sagaId);
        return new PlacedOrder(order.getId(), sagaId);
    }

    @Transactional(readOnly = true)
    public Optional<OrderView> find(UUID orderId) {
        return orders.findById(orderId).map(order -> {
            var saga = Optional.ofNullable(order.getSagaId()).flatMap(sagas::find);
            return new OrderView(order.getId(), order.getItem(), order.getQuantity(), order.getStatus(),
                    order.getCreatedAt(), order.getSagaId(), saga.map(SagaView::status).orElse(null),
                    saga.map(SagaView::error).orElse(null));
        });
    }
}
