package dev.saga.shop.inventory;

/** Not enough of an item is available. Has a message constructor so the saga ledger can recreate it. */
public class OutOfStock extends RuntimeException {

    public OutOfStock(String message) {
        super(message);
    }
}
