package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

import com.example.shop.order.OrderService;
import com.example.shop.order.Receipt;
import com.example.shop.payment.PaymentGateway;
import dev.saga.SagaClient;
import dev.saga.SagaFailedException;
import dev.saga.SagaStatus;
import dev.saga.SagaView;
import dev.saga.embedded.DevelopmentDatabase;

@SpringBootTest
@Import(DevelopmentDatabase.class)
class OrderFulfilmentTests {

    @Autowired
    OrderService orders;

    @Autowired
    SagaClient sagas;

    @Autowired
    PaymentGateway gateway;

    @Test
    void chargesReservesAndShipsAnOrder() {
        UUID sagaId = orders.place("tea", 2, new BigDecimal("19.80"));

        Receipt receipt = sagas.awaitResult(sagaId, Receipt.class, Duration.ofSeconds(30));

        assertThat(receipt.trackingNumber()).startsWith("TRK-");
    }

    @Test
    void refundsTheChargeWhenTheItemIsOutOfStock() {
        UUID sagaId = orders.place("coffee", 1, new BigDecimal("4.20"));

        var failed = catchThrowableOfType(SagaFailedException.class,
                () -> sagas.awaitResult(sagaId, Receipt.class, Duration.ofSeconds(30)));

        SagaView view = sagas.find(sagaId).orElseThrow();
        assertThat(view.status()).isEqualTo(SagaStatus.COMPENSATED);   // undone, newest step first
        assertThat(view.error()).contains("OutOfStock: Cannot reserve 1 x coffee");
        assertThat(failed.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(gateway.refunded(UUID.fromString(view.businessKey()))).isTrue();   // the order id
    }
}
