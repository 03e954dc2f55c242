package dev.saga.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import dev.saga.SagaClient;
import dev.saga.SagaStatus;
import dev.saga.shop.inventory.StockRepository;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.OrderView;
import dev.saga.shop.order.PlacedOrder;
import dev.saga.shop.order.Receipt;
import dev.saga.shop.payment.PaymentRepository;
import dev.saga.shop.payment.PaymentStatus;

/**
 * The shop end to end over HTTP, on an embedded PostgreSQL of its own (a fresh data folder,
 * deleted on shutdown), whatever {@code SAGA_TEST_JDBC_URL} says.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class ShopApplicationTests {

    private static final Path DATA_DIR =
            Path.of(System.getProperty("java.io.tmpdir"), "saga-sample-shop-test-" + UUID.randomUUID());

    @DynamicPropertySource
    static void embeddedDatabase(DynamicPropertyRegistry registry) {
        registry.add("shop.embedded-db.data-dir", DATA_DIR::toString);
        registry.add("shop.embedded-db.clean-data-dir", () -> "true");
    }

    @LocalServerPort
    int port;

    @Autowired
    SagaClient sagas;

    @Autowired
    StockRepository stock;

    @Autowired
    PaymentRepository payments;

    RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.create("http://localhost:" + port);
    }

    @Test
    void anOrderInStockIsChargedReservedAndShipped() {
        int before = available("widget");

        var placed = place("widget", 2);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var order = order(placed.orderId());
            assertThat(order.sagaStatus()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(order.status()).isEqualTo(OrderStatus.SHIPPED);
        });
        var receipt = sagas.awaitResult(placed.sagaId(), Receipt.class, Duration.ofSeconds(5));
        assertThat(receipt.orderId()).isEqualTo(placed.orderId());
        assertThat(receipt.trackingNumber()).startsWith("TRK-");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement().satisfies(payment -> {
            assertThat(payment.getId()).isEqualTo(receipt.chargeId());
            assertThat(payment.getStatus()).isEqualTo(PaymentStatus.CHARGED);
            assertThat(payment.getAmount()).isEqualByComparingTo("19.98");
        });
        assertThat(available("widget")).isEqualTo(before - 2);
    }

    @Test
    void anOrderOutOfStockIsRefundedAndCancelled() {
        int before = available("gizmo");

        var placed = place("gizmo", before + 1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var order = order(placed.orderId());
            assertThat(order.sagaStatus()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
        });
        assertThat(order(placed.orderId()).sagaError()).contains("OutOfStock");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement()
                .extracting(payment -> payment.getStatus()).isEqualTo(PaymentStatus.REFUNDED);
        assertThat(available("gizmo")).isEqualTo(before);
    }

    private PlacedOrder place(String item, int quantity) {
        var response = http.post().uri("/orders").body(Map.of("item", item, "quantity", quantity))
                .retrieve().toEntity(PlacedOrder.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(response.getHeaders().getLocation()).hasToString("/orders/" + response.getBody().orderId());
        assertThat(response.getBody().sagaId()).isNotNull();
        return response.getBody();
    }

    private OrderView order(UUID id) {
        return http.get().uri("/orders/{id}", id).retrieve().body(OrderView.class);
    }

    private int available(String item) {
        return stock.findById(item).orElseThrow().getAvailable();
    }
}
