package dev.saga.shop.payment;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A charge registered with the (fake) payment gateway: the gateway's own record; table {@code payment}. */
@Entity
@Table(name = "payment")
public class Payment {

    /** The gateway's charge id. */
    @Id
    private UUID id;

    private UUID orderId;

    private BigDecimal amount;

    @Enumerated(EnumType.STRING)
    private PaymentStatus status;

    /** What the gateway sends back in its webhook so the shop finds the saga: the saga id. */
    private UUID callbackKey;

    protected Payment() {
    }

    Payment(UUID id, UUID orderId, BigDecimal amount, UUID callbackKey) {
        this.id = id;
        this.orderId = orderId;
        this.amount = amount;
        this.callbackKey = callbackKey;
        this.status = PaymentStatus.PENDING;
    }

    public UUID getId() {
        return id;
    }

    public UUID getOrderId() {
        return orderId;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    public PaymentStatus getStatus() {
        return status;
    }

    public UUID getCallbackKey() {
        return callbackKey;
    }
}
