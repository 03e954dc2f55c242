package com.example.shop.inventory;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface StockRepository extends JpaRepository<Stock, String> {

    /** Takes the quantity if that many are available: 1 if it did, 0 if not. */
    @Modifying
    @Query("update Stock s set s.available = s.available - :quantity where s.item = :item and s.available >= :quantity")
    int take(String item, int quantity);

    @Modifying
    @Query("update Stock s set s.available = s.available + :quantity where s.item = :item")
    int putBack(String item, int quantity);
}
