package dev.saga.shop;

import static dev.saga.test.SagaAssertions.assertThatSaga;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.saga.SagaStatus;
import dev.saga.shop.mail.MailService;
import dev.saga.shop.order.EmailView;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.order.OrderService;
import dev.saga.shop.order.OrderStatus;
import dev.saga.shop.order.PlacedOrder;
import dev.saga.shop.order.Signals;
import dev.saga.shop.payment.Charge;
import dev.saga.test.CrashPoint;
import dev.saga.test.SagaTest;
import dev.saga.test.SagaTestKit;
import dev.saga.test.StepAttempt;

/**
 * The fulfilment's waits at their real lengths (ten minutes for the payment, two days to pick,
 * three days to the reminder, seven more to closing), skipped with the test kit's clock; a node
 * that dies after the carrier created a label; and the recorded histories replayed against
 * today's saga. The gateway answers in real time (its webhook after 50 ms), so a test waits for
 * the order to be labelled before it moves the clock.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "shop.gateway.callback-delay=50ms")
@SagaTest
class FulfilmentTimeTests {

    @DynamicPropertySource
    static void embeddedDatabase(DynamicPropertyRegistry registry) {
        FreshShopDatabase.register(registry, "kit-test");
    }

    @Autowired
    SagaTestKit sagas;

    @Autowired
    OrderService orders;

    @Autowired
    MailService mail;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anOrderNobodyPicksWithinTwoDaysIsUndoneAndRefunded() {
        var placed = orders.place("gadget", 1, "ada@example.com");
        awaitStatus(placed, OrderStatus.LABELLED);

        sagas.advance(Duration.ofDays(2).minusMinutes(1));
        assertThatSaga(placed.sagaId()).isWaitingFor(Signals.ITEM_PICKED);

        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(placed.sagaId()).timedOutWaitingFor(Signals.ITEM_PICKED)
                .compensated("createLabel", "reserve", "charge")
                .endedWith(SagaStatus.COMPENSATED).failedWith("NotPickedInTime");
        assertThat(status(placed)).isEqualTo(OrderStatus.CANCELLED);
        assertThat(label(placed)).isEqualTo("VOIDED");
        assertThat(payment(placed)).isEqualTo("REFUNDED");
    }

    @Test
    void anUncollectedOrderIsRemindedAfterThreeDaysAndClosedSevenDaysLater() {
        var placed = orders.place("widget", 1, "bob@example.com");
        awaitStatus(placed, OrderStatus.LABELLED);
        orders.picked(placed.orderId(), "carol");
        sagas.advance(Duration.ZERO);
        assertThat(emails(placed)).containsExactly("CONFIRMATION");

        sagas.advance(Duration.ofDays(3));
        assertThat(emails(placed)).containsExactly("CONFIRMATION", "PICKUP_REMINDER");
        assertThatSaga(placed.sagaId()).timedOutWaitingFor(Signals.COLLECTED).isWaitingFor(Signals.COLLECTED);

        sagas.advance(Duration.ofDays(7));
        assertThatSaga(placed.sagaId()).endedWith(SagaStatus.COMPLETED).compensatedNothing();
        assertThat(status(placed)).isEqualTo(OrderStatus.CLOSED);
        assertThat(payment(placed)).as("past the point of no return: not refunded").isEqualTo("APPROVED");
    }

    @Test
    void aChargeTheGatewayNeverAnswersTimesOutAfterTenMinutesAndIsUndone() {
        // the stub registers nothing with the gateway, so no webhook ever comes
        sagas.stub("charge")
                .answers(arguments -> new Charge(UUID.randomUUID(), ((OrderRequest) arguments.get(0)).amount()));
        var placed = orders.place("widget", 2, "dan@example.com");

        sagas.advance(Duration.ofMinutes(9));
        assertThatSaga(placed.sagaId()).completedSteps("charge").isWaitingFor(Signals.PAYMENT_RESULT);

        sagas.advance(Duration.ofMinutes(1));
        assertThatSaga(placed.sagaId()).timedOutWaitingFor(Signals.PAYMENT_RESULT).compensated("charge")
                .endedWith(SagaStatus.COMPENSATED).failedWith("PaymentTimedOut");
    }

    @Test
    void aNodeThatDiesAfterTheCarrierCreatedTheLabelLeavesOneLabelBehindWhenAnotherTakesOver() {
        sagas.crashAt("createLabel", CrashPoint.AFTER_EFFECT);
        var placed = orders.place("widget", 1, "eve@example.com");

        sagas.restartNode();

        assertThatSaga(placed.sagaId()).completedSteps("charge", "markPaid", "reserve", "createLabel")
                .attempted("createLabel", 1).isWaitingFor(Signals.ITEM_PICKED);
        assertThat(sagas.attempts("createLabel")).as("the carrier was called again, with the same key").hasSize(2)
                .extracting(StepAttempt::idempotencyKey).containsOnly(placed.sagaId() + "/4");
        assertThat(jdbc.sql("select count(*) from shipping_label where order_id = ?").param(placed.orderId())
                .query(Integer.class).single()).as("one label: the carrier is idempotent by tracking number").isOne();
        assertThat(status(placed)).isEqualTo(OrderStatus.LABELLED);
    }

    @Test
    void theRecordedHistoriesOfTheShopReplayOnTodaysSaga() {
        assertThat(sagas.assertReplays("classpath:saga-histories/*.json")).hasSize(2);
    }

    /**
     * Records the histories that {@link #theRecordedHistoriesOfTheShopReplayOnTodaysSaga} replays, when run
     * with {@code -Dsaga.record-histories=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "saga.record-histories", matches = "true")
    void recordHistories() {
        var collected = orders.place("widget", 1, "rec@example.com");
        awaitStatus(collected, OrderStatus.LABELLED);
        orders.picked(collected.orderId(), "carol");
        sagas.advance(Duration.ZERO);
        orders.collected(collected.orderId());
        sagas.advance(Duration.ZERO);
        assertThatSaga(collected.sagaId()).endedWith(SagaStatus.COMPLETED);
        sagas.recordHistory(collected.sagaId(), Path.of("src/test/resources/saga-histories/collected.json"));

        var reminded = orders.place("widget", 1, "rem@example.com");
        awaitStatus(reminded, OrderStatus.LABELLED);
        orders.picked(reminded.orderId(), "carol");
        sagas.advance(Duration.ofDays(3));
        assertThatSaga(reminded.sagaId()).isWaitingFor(Signals.COLLECTED);
        sagas.recordHistory(reminded.sagaId(),
                Path.of("src/test/resources/saga-histories/reminded-awaiting-pickup.json"));
    }

    private void awaitStatus(PlacedOrder placed, OrderStatus status) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                .until(() -> status(placed) == status);
    }

    private OrderStatus status(PlacedOrder placed) {
        return orders.find(placed.orderId()).orElseThrow().status();
    }

    private String label(PlacedOrder placed) {
        return jdbc.sql("select status from shipping_label where order_id = ?").param(placed.orderId())
                .query(String.class).single();
    }

    private String payment(PlacedOrder placed) {
        return jdbc.sql("select status from payment where order_id = ?").param(placed.orderId())
                .query(String.class).single();
    }

    private java.util.List<String> emails(PlacedOrder placed) {
        return mail.emailsOf(placed.orderId()).stream().map(EmailView::kind).toList();
    }
}
