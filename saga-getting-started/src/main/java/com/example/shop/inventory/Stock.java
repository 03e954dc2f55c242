package com.example.shop.inventory;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** How many of an item are available. */
@Entity
public class Stock {

    @Id
    private String item;

    private int available;

    protected Stock() {
    }

    public String getItem() {
        return item;
    }

    public int getAvailable() {
        return available;
    }
}
