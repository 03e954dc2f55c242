package dev.saga.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small shop whose orders are fulfilled by the {@code order-fulfilment} saga: charge the
 * payment, reserve the stock, create the shipping label; undone in reverse when a step fails.
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
