package dev.saga.shop;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A small shop whose orders are fulfilled by the {@code order-fulfilment} saga: charge through an
 * asynchronous payment gateway, reserve stock, create a shipping label, wait for the warehouse to
 * pick, send the confirmation (the point of no return), wait for the customer to collect.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }
}
