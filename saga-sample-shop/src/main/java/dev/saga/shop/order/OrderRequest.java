package dev.saga.shop.order;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * The input of the {@code order-fulfilment} saga and the argument of its steps (stored as JSON).
 *
 * @param orderId the order being fulfilled
 * @param item what was ordered
 * @param quantity how many
 * @param amount what the customer pays
 * @param customerEmail where the emails go
 */
public record OrderRequest(UUID orderId, String item, int quantity, BigDecimal amount, String customerEmail) {
}
