package dev.saga.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import dev.saga.SagaClient;
import dev.saga.SagaStatus;
import dev.saga.shop.inventory.StockRepository;
import dev.saga.shop.order.EmailView;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.OrderView;
import dev.saga.shop.order.PlacedOrder;
import dev.saga.shop.order.Receipt;
import dev.saga.shop.payment.PaymentRepository;
import dev.saga.shop.payment.PaymentStatus;

/**
 * The shop end to end over HTTP, on an embedded PostgreSQL of its own (a fresh data folder,
 * deleted on shutdown), with tiny delays and the timeouts of production (the waits that time out are
 * tested in {@link FulfilmentTimeTests}, by moving the clock). Every email's first attempt fails after the
 * mail was written ({@code email-fail-first-attempts=1}), so every test also shows that a retried
 * send mails once.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
        "shop.gateway.callback-delay=50ms",
        "shop.gateway.decline-above=500.00",
        "shop.faults.email-fail-first-attempts=1",
        "saga.retry.delay=100ms",
        "saga.sagas.order-fulfilment.steps.sendConfirmation.delay=100ms",
        "saga.sagas.order-fulfilment.steps.createLabel.delay=50ms"})
class ShopApplicationTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @DynamicPropertySource
    static void embeddedDatabase(DynamicPropertyRegistry registry) {
        FreshShopDatabase.register(registry, "test");
    }

    @LocalServerPort
    int port;

    @Autowired
    SagaClient sagas;

    @Autowired
    StockRepository stock;

    @Autowired
    PaymentRepository payments;

    @Autowired
    JdbcClient jdbc;

    RestClient http;

    @BeforeEach
    void client() {
        http = RestClient.builder().baseUrl("http://localhost:" + port)
                .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> { })
                .build();
    }

    @Test
    void anOrderIsPaidReservedLabelledPickedConfirmedAndCollected() {
        int before = available("widget");

        var placed = place("widget", 2);
        awaitStatus(placed, OrderStatus.LABELLED);
        assertThat(order(placed.orderId()).amount()).isEqualByComparingTo("19.98");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement()
                .extracting(payment -> payment.getStatus()).isEqualTo(PaymentStatus.APPROVED);
        assertThat(post("/orders/{id}/picked", placed.orderId())).isEqualTo(HttpStatus.ACCEPTED);
        awaitStatus(placed, OrderStatus.PICKED);
        assertThat(post("/orders/{id}/collected", placed.orderId())).isEqualTo(HttpStatus.ACCEPTED);

        await().atMost(WAIT).untilAsserted(() -> {
            var order = order(placed.orderId());
            assertThat(order.sagaStatus()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(order.status()).isEqualTo(OrderStatus.COLLECTED);
        });
        var receipt = sagas.awaitResult(placed.sagaId(), Receipt.class, Duration.ofSeconds(5));
        assertThat(receipt.outcome()).isEqualTo(OrderStatus.COLLECTED);
        assertThat(receipt.trackingNumber()).startsWith("TRK-");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement().satisfies(payment -> {
            assertThat(payment.getId()).isEqualTo(receipt.chargeId());
            assertThat(payment.getStatus()).isEqualTo(PaymentStatus.APPROVED);
            assertThat(payment.getAmount()).isEqualByComparingTo("19.98");
        });
        assertThat(available("widget")).isEqualTo(before - 2);
        assertThat(labelStatus(placed.orderId())).isEqualTo("CREATED");
        assertThat(emails(placed.orderId())).extracting(EmailView::kind).containsExactly("CONFIRMATION");
        // the order is finished: signalling it again is a conflict
        assertThat(post("/orders/{id}/collected", placed.orderId())).isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void aDeclinedPaymentReservesNothingAndRefundsNothing() {
        int before = available("widget");

        var placed = place("widget", 60); // 599.40, above shop.gateway.decline-above

        await().atMost(WAIT).untilAsserted(() -> {
            var order = order(placed.orderId());
            assertThat(order.sagaStatus()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(order.status()).isEqualTo(OrderStatus.DECLINED);
        });
        assertThat(order(placed.orderId()).sagaError()).contains("PaymentDeclined");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement()
                .extracting(payment -> payment.getStatus()).isEqualTo(PaymentStatus.DECLINED);
        assertThat(available("widget")).isEqualTo(before);
        assertThat(labelStatus(placed.orderId())).isNull();
        assertThat(emails(placed.orderId())).isEmpty();
    }

    @Test
    void anOrderOutOfStockIsRefundedAndCancelled() {
        int before = available("gizmo");

        var placed = place("gizmo", before + 1);

        await().atMost(WAIT).untilAsserted(() -> {
            var order = order(placed.orderId());
            assertThat(order.sagaStatus()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
        });
        assertThat(order(placed.orderId()).sagaError()).contains("OutOfStock");
        assertThat(payments.findByOrderId(placed.orderId())).singleElement()
                .extracting(payment -> payment.getStatus()).isEqualTo(PaymentStatus.REFUNDED);
        assertThat(available("gizmo")).isEqualTo(before);
        assertThat(labelStatus(placed.orderId())).isNull();
    }

    @Test
    void aRetriedConfirmationIsMailedOnce() {
        var placed = place("widget", 1);
        awaitStatus(placed, OrderStatus.LABELLED);
        post("/orders/{id}/picked", placed.orderId());
        awaitStatus(placed, OrderStatus.PICKED);
        await().atMost(WAIT).until(() -> !emails(placed.orderId()).isEmpty());
        post("/orders/{id}/collected", placed.orderId());
        await().atMost(WAIT).until(() -> order(placed.orderId()).sagaStatus() == SagaStatus.COMPLETED);

        // the first attempt wrote the mail and then failed; the retry found it written
        var send = sagas.timeline(placed.sagaId()).stream()
                .filter(entry -> entry.kind().equals("STEP") && entry.name().endsWith("sendConfirmation"))
                .findFirst().orElseThrow();
        assertThat(send.status()).isEqualTo("COMPLETED");
        assertThat(send.attempts()).hasSize(2);
        assertThat(send.attempts().get(0).error()).contains("EmailSendFailed");
        assertThat(emails(placed.orderId())).extracting(EmailView::kind).containsExactly("CONFIRMATION");
    }

    @Test
    void badRequestsAreRefused() {
        assertThat(http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).body(Map.of("item", "widget"))
                .retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON).body("{not json")
                .retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.get().uri("/orders/not-a-uuid").retrieve().toBodilessEntity().getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        var unknown = UUID.randomUUID();
        assertThat(http.get().uri("/orders/{id}", unknown).retrieve().toBodilessEntity().getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.get().uri("/orders/{id}/emails", unknown).retrieve().toBodilessEntity().getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(post("/orders/{id}/picked", unknown)).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(post("/orders/{id}/collected", unknown)).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.post().uri("/webhooks/payments").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("sagaId", unknown, "chargeId", unknown, "outcome", "APPROVED"))
                .retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(http.post().uri("/webhooks/payments").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("sagaId", unknown, "chargeId", unknown, "outcome", "MAYBE"))
                .retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(http.post().uri("/webhooks/payments").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("sagaId", unknown)).retrieve().toBodilessEntity().getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
    }

    private PlacedOrder place(String item, int quantity) {
        var response = http.post().uri("/orders").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("item", item, "quantity", quantity, "email", "ada@example.com"))
                .retrieve().toEntity(PlacedOrder.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(response.getHeaders().getLocation()).hasToString("/orders/" + response.getBody().orderId());
        assertThat(response.getBody().sagaId()).isNotNull();
        return response.getBody();
    }

    private void awaitStatus(PlacedOrder placed, OrderStatus status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> order(placed.orderId()).status() == status);
    }

    private HttpStatusCode post(String uri, UUID id) {
        return http.post().uri(uri, id).retrieve().toBodilessEntity().getStatusCode();
    }

    private OrderView order(UUID id) {
        return http.get().uri("/orders/{id}", id).retrieve().body(OrderView.class);
    }

    private List<EmailView> emails(UUID id) {
        return http.get().uri("/orders/{id}/emails", id).retrieve()
                .body(new ParameterizedTypeReference<List<EmailView>>() { });
    }

    private String labelStatus(UUID orderId) {
        return jdbc.sql("select status from shipping_label where order_id = ?").param(orderId)
                .query(String.class).optional().orElse(null);
    }

    private int available(String item) {
        return stock.findById(item).orElseThrow().getAvailable();
    }
}
