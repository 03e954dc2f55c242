package dev.saga.shop.payment;

import java.math.BigDecimal;
import java.util.UUID;

/** The result of {@link PaymentService#charge}: the gateway's charge. */
public record Charge(UUID id, BigDecimal amount) {
}
