package dev.saga.shop.payment;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface PaymentRepository extends JpaRepository<Payment, UUID> {

    List<Payment> findByOrderId(UUID orderId);

    /** Marks a charged payment refunded; a second call changes nothing. */
    @Transactional
    @Modifying
    @Query("update Payment p set p.status = dev.saga.shop.payment.PaymentStatus.REFUNDED"
            + " where p.id = :id and p.status = dev.saga.shop.payment.PaymentStatus.CHARGED")
    int markRefunded(UUID id);
}
