package dev.saga.shop.order;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An order placed over HTTP; table {@code purchase_order}. */
@Entity
@Table(name = "purchase_order")
public class PurchaseOrder {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    private String item;

    private int quantity;

    private BigDecimal amount;

    private String customerEmail;

    @Enumerated(EnumType.STRING)
    private OrderStatus status;

    private UUID sagaId;

    private Instant createdAt;

    protected PurchaseOrder() {
    }

    public PurchaseOrder(String item, int quantity, BigDecimal amount, String customerEmail) {
        this.item = item;
        this.quantity = quantity;
        this.amount = amount;
        this.customerEmail = customerEmail;
        this.status = OrderStatus.PENDING;
        this.createdAt = Instant.now();
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

    public BigDecimal getAmount() {
        return amount;
    }

    public String getCustomerEmail() {
        return customerEmail;
    }

    public OrderStatus getStatus() {
        return status;
    }

    public UUID getSagaId() {
        return sagaId;
    }

    public void setSagaId(UUID sagaId) {
        this.sagaId = sagaId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
