package dev.saga.shop.order;

import java.net.URI;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/orders")
class OrderController {

    /** The body of {@code POST /orders}. */
    record NewOrder(String item, int quantity) {
    }

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** Places the order and answers 202: fulfilment goes on in the background. */
    @PostMapping
    ResponseEntity<PlacedOrder> place(@RequestBody NewOrder order) {
        if (order.item() == null || order.item().isBlank() || order.quantity() < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "an order needs an item and a quantity of at least 1");
        }
        var placed = orders.place(order.item().trim(), order.quantity());
        return ResponseEntity.accepted().location(URI.create("/orders/" + placed.orderId())).body(placed);
    }

    @GetMapping("/{id}")
    OrderView get(@PathVariable UUID id) {
        return orders.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id));
    }
}
