package dev.saga.shop.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

import dev.saga.SagaClient;
import dev.saga.SagaView;
import dev.saga.SignalResult;
import dev.saga.StartOptions;
import dev.saga.shop.mail.MailService;

@Service
public class OrderService {

    /** Every item costs the same in this sample. */
    static final BigDecimal UNIT_PRICE = new BigDecimal("9.99");

    static final String SAGA = "order-fulfilment";

    private final PurchaseOrderRepository orders;
    private final SagaClient sagas;
    private final MailService mail;

    OrderService(PurchaseOrderRepository orders, SagaClient sagas, MailService mail) {
        this.orders = orders;
        this.sagas = sagas;
        this.mail = mail;
    }

    /**
     * Saves the order and starts its fulfilment in one transaction: the saga exists if and only if
     * the order does, and it runs once this transaction has committed. The order id is the business
     * key, so the same order can never start two sagas, and signals find the saga by it.
     */
    @Transactional
    public PlacedOrder place(String item, int quantity, String customerEmail) {
        var amount = UNIT_PRICE.multiply(BigDecimal.valueOf(quantity));
        var order = orders.save(new PurchaseOrder(item, quantity, amount, customerEmail));
        var request = new OrderRequest(order.getId(), item, quantity, amount, customerEmail);
        UUID sagaId = sagas.start(SAGA, request, StartOptions.businessKey(order.getId().toString()));
        order.setSagaId(sagaId);
        return new PlacedOrder(order.getId(), sagaId);
    }

    @Transactional(readOnly = true)
    public Optional<OrderView> find(UUID orderId) {
        return orders.findById(orderId).map(order -> {
            var saga = Optional.ofNullable(order.getSagaId()).flatMap(sagas::find);
            return new OrderView(order.getId(), order.getItem(), order.getQuantity(), order.getAmount(),
                    order.getCustomerEmail(), order.getStatus(), order.getCreatedAt(), order.getSagaId(),
                    saga.map(SagaView::status).orElse(null), saga.map(SagaView::error).orElse(null),
                    mail.emailsOf(order.getId()));
        });
    }

    /** The warehouse picked the order's item: only a LABELLED order is waiting for that. */
    @Transactional
    public SignalResult picked(UUID orderId, String by) {
        expect(orderId, OrderStatus.LABELLED, "picked");
        return sagas.signal(SAGA, orderId.toString(), Signals.ITEM_PICKED, new Signals.Picked(by, Instant.now()));
    }

    /** The customer collected the order: only a PICKED order is waiting for that. */
    @Transactional
    public SignalResult collected(UUID orderId) {
        expect(orderId, OrderStatus.PICKED, "collected");
        return sagas.signal(SAGA, orderId.toString(), Signals.COLLECTED, new Signals.Collected(Instant.now()));
    }

    private void expect(UUID orderId, OrderStatus expected, String what) {
        var order = orders.findById(orderId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + orderId));
        if (order.getStatus() != expected) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "order " + orderId + " is " + order.getStatus()
                    + ": it can be " + what + " only when " + expected);
        }
    }
}
