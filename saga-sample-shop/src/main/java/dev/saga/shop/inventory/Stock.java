package dev.saga.shop.inventory;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** How many of an item are available; table {@code stock}. */
@Entity
@Table(name = "stock")
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
