package dev.saga.shop.payment;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface PaymentRepository extends JpaRepository<Payment, UUID> {

    List<Payment> findByOrderId(UUID orderId);

    List<Payment> findByStatus(PaymentStatus status);

    /** Moves a payment from one status to another; 0 when it was not in {@code from} (a repeat changes nothing). */
    @Transactional
    @Modifying
    @Query("update Payment p set p.status = :to where p.id = :id and p.status = :from")
    int transition(UUID id, PaymentStatus from, PaymentStatus to);
}
