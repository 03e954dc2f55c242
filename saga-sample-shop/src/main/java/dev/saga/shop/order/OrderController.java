package dev.saga.shop.order;

import java.net.URI;
import java.util.List;
import java.util.Map;
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

import dev.saga.SignalResult;

@RestController
@RequestMapping("/orders")
class OrderController {

    /** The body of {@code POST /orders}; {@code email} is optional. */
    record NewOrder(String item, Integer quantity, String email) {
    }

    /** The optional body of {@code POST /orders/{id}/picked}. */
    record PickedBy(String by) {
    }

    private final OrderService orders;

    OrderController(OrderService orders) {
        this.orders = orders;
    }

    /** Places the order and answers 202: fulfilment goes on in the background. */
    @PostMapping
    ResponseEntity<PlacedOrder> place(@RequestBody NewOrder order) {
        if (order.item() == null || order.item().isBlank() || order.quantity() == null || order.quantity() < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "an order needs an item and a quantity of at least 1");
        }
        var email = order.email() == null || order.email().isBlank() ? "customer@example.com" : order.email().trim();
        if (!email.contains("@")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "not an email address: " + email);
        }
        var placed = orders.place(order.item().trim(), order.quantity(), email);
        return ResponseEntity.accepted().location(URI.create("/orders/" + placed.orderId())).body(placed);
    }

    @GetMapping("/{id}")
    OrderView get(@PathVariable UUID id) {
        return orders.find(id).orElseThrow(() -> notFound(id));
    }

    @GetMapping("/{id}/emails")
    List<EmailView> emails(@PathVariable UUID id) {
        return orders.find(id).orElseThrow(() -> notFound(id)).emails();
    }

    /** A warehouse worker picked the item: 202, 404 for an unknown order, 409 unless it is LABELLED. */
    @PostMapping("/{id}/picked")
    ResponseEntity<Map<String, Object>> picked(@PathVariable UUID id,
            @RequestBody(required = false) PickedBy body) {
        var by = body == null || body.by() == null || body.by().isBlank() ? "warehouse" : body.by();
        return signalled(id, Signals.ITEM_PICKED, orders.picked(id, by));
    }

    /** The customer collected the order: 202, 404 for an unknown order, 409 unless it is PICKED. */
    @PostMapping("/{id}/collected")
    ResponseEntity<Map<String, Object>> collected(@PathVariable UUID id) {
        return signalled(id, Signals.COLLECTED, orders.collected(id));
    }

    private static ResponseEntity<Map<String, Object>> signalled(UUID id, String signal, SignalResult result) {
        if (result == SignalResult.SAGA_FINISHED) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "the fulfilment of order " + id + " has finished");
        }
        return ResponseEntity.accepted().body(Map.of("orderId", id, "signal", signal, "result", result));
    }

    private static ResponseStatusException notFound(UUID id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id);
    }
}
