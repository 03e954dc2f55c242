package com.example.shop.order;

import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.SagaClient;
import dev.saga.StartOptions;

@Service
public class OrderService {

    private final PurchaseOrderRepository orders;
    private final SagaClient sagas;

    OrderService(PurchaseOrderRepository orders, SagaClient sagas) {
        this.orders = orders;
        this.sagas = sagas;
    }

    @Transactional
    public UUID place(String item, int quantity, BigDecimal amount) {
        var order = orders.save(new PurchaseOrder(item, quantity));
        var request = new OrderRequest(order.getId(), item, quantity, amount);
        // joins this transaction: the saga exists if and only if the order does
        return sagas.start("order-fulfilment", request, StartOptions.businessKey(order.getId().toString()));
    }
}
