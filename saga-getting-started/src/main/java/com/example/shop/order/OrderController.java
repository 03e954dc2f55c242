package com.example.shop.order;

import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.saga.SagaClient;
import dev.saga.SagaView;

@RestController
public class OrderController {

    private final OrderService orders;
    private final SagaClient sagas;

    OrderController(OrderService orders, SagaClient sagas) {
        this.orders = orders;
        this.sagas = sagas;
    }

    @PostMapping("/orders")
    public UUID place(@RequestParam String item, @RequestParam int quantity, @RequestParam BigDecimal amount) {
        return orders.place(item, quantity, amount);
    }

    @GetMapping("/orders/{sagaId}")
    public ResponseEntity<SagaView> saga(@PathVariable UUID sagaId) {
        return ResponseEntity.of(sagas.find(sagaId));
    }
}
