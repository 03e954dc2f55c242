package dev.saga.shop;

import java.nio.file.Path;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/** The shop's embedded PostgreSQL in a fresh data folder for a test class's context, deleted on shutdown. */
final class FreshShopDatabase {

    private FreshShopDatabase() {
    }

    static void register(DynamicPropertyRegistry registry, String name) {
        var dataDir = Path.of(System.getProperty("java.io.tmpdir"),
                "saga-sample-shop-" + name + "-" + UUID.randomUUID());
        registry.add("shop.embedded-db.data-dir", dataDir::toString);
        registry.add("shop.embedded-db.clean-data-dir", () -> "true");
    }
}
