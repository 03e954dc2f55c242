package dev.saga.shop.inventory;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface StockRepository extends JpaRepository<Stock, String> {

    /** Takes {@code quantity} of the item if that many are available; returns the rows changed (0 or 1). */
    @Modifying
    @Query("update Stock s set s.available = s.available - :quantity where s.item = :item and s.available >= :quantity")
    int take(String item, int quantity);

    /** Puts {@code quantity} of the item back. */
    @Modifying
    @Query("update Stock s set s.available = s.available + :quantity where s.item = :item")
    int putBack(String item, int quantity);
}
