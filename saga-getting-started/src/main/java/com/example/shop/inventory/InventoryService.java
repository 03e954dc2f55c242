package com.example.shop.inventory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Step;
import com.example.shop.order.OrderRequest;

@Service("inventory")
public class InventoryService {

    private final StockRepository stock;

    InventoryService(StockRepository stock) {
        this.stock = stock;
    }

    @Step(excludes = OutOfStock.class)   // an answer, not a glitch: don't retry
    @Transactional
    public void reserve(OrderRequest order) {
        if (stock.take(order.item(), order.quantity()) == 0) {
            throw new OutOfStock("Cannot reserve " + order.quantity() + " x " + order.item());
        }
    }

    @Compensate("reserve")
    @Transactional
    public void release(OrderRequest order) {
        stock.putBack(order.item(), order.quantity());
    }
}
