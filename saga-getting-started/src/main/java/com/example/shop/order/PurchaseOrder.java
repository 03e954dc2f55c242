package com.example.shop.order;

import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

@Entity
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    private String item;

    private int quantity;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(String item, int quantity) {
        this.item = item;
        this.quantity = quantity;
    }

    public UUID getId() {
        return id;
    }

    public String getItem() {
        return item;
    }

    public int getQuantity() {
        return quantity;
    }
}
