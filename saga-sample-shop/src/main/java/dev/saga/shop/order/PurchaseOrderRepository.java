package dev.saga.shop.order;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

public interface PurchaseOrderRepository extends JpaRepository<PurchaseOrder, UUID> {

    /** Sets the order's status; joins the caller's transaction or runs in its own. */
    @Transactional
    @Modifying
    @Query("update PurchaseOrder o set o.status = :status where o.id = :id")
    int updateStatus(UUID id, OrderStatus status);
}
