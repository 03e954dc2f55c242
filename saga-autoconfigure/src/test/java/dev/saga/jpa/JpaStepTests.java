package dev.saga.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import org.junit.jupiter.api.Test;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Saga;
import dev.saga.SagaStatus;
import dev.saga.Step;
import dev.saga.internal.ledger.AttemptRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * JPA is first-class: with Boot's {@link JpaTransactionManager}, a {@code @Transactional} step that
 * writes through a Spring Data repository commits its entity with its ledger record, a failed
 * attempt's entity rolls back with it, and a compensation's repository write commits with its own.
 */
class JpaStepTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Entity
    public static class Shipment {
        @Id
        private String orderId;
        private int attempt;

        protected Shipment() {
        }

        Shipment(String orderId, int attempt) {
            this.orderId = orderId;
            this.attempt = attempt;
        }

        int attempt() {
            return attempt;
        }
    }

    public interface Shipments extends JpaRepository<Shipment, String> {
    }

    /** Ships (its first attempt fails after it saved), then a charge that fails for good. */
    public static class ShippingSteps {
        private final Shipments shipments;
        private final AtomicInteger attempts = new AtomicInteger();

        public ShippingSteps(Shipments shipments) {
            this.shipments = shipments;
        }

        @Step(maxRetries = 2, delay = "10ms")
        @Transactional
        public String ship(String orderId) {
            int attempt = attempts.incrementAndGet();
            shipments.saveAndFlush(new Shipment(orderId, attempt));
            if (attempt == 1) {
                throw new IllegalStateException("carrier timed out after the row was written");
            }
            return "shipped in attempt " + attempt;
        }

        @Compensate("ship")
        @Transactional
        public void cancelShipment(String orderId) {
            shipments.deleteById(orderId);
        }

        @Step(compensation = Step.Compensation.NONE, maxRetries = 0)
        public void charge(String orderId) {
            if (orderId.startsWith("declined")) {
                throw new IllegalArgumentException("card declined");
            }
        }
    }

    @Saga("jpa-shipping")
    public static class ShippingSaga {
        private final ShippingSteps steps;

        public ShippingSaga(ShippingSteps steps) {
            this.steps = steps;
        }

        public String run(String orderId) {
            var shipped = steps.ship(orderId);
            steps.charge(orderId);
            return shipped;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EntityScan(basePackageClasses = JpaStepTests.class)
    @EnableJpaRepositories(basePackageClasses = JpaStepTests.class, considerNestedRepositories = true)
    @Import(ShippingSaga.class)
    static class JpaShipping {
        @Bean
        ShippingSteps shippingSteps(Shipments shipments) {
            return new ShippingSteps(shipments);
        }
    }

    @Test
    void aRepositoryWriteCommitsWithItsStepsLedgerRecordAndAFailedAttemptsWriteRollsBackWithIt() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(JpaShipping.class), "spring.jpa.hibernate.ddl-auto=create");
            assertThat(node.getBean(PlatformTransactionManager.class)).isInstanceOf(JpaTransactionManager.class);
            var client = TestEngine.client(node);
            var shipments = node.getBean(Shipments.class);

            var id = client.start("jpa-shipping", "o-1");

            assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("shipped in attempt 2");
            assertThat(shipments.findAll()).singleElement().extracting(Shipment::attempt).isEqualTo(2);
            var ship = Ledger.of(node).steps(id).stream().filter(step -> step.name().equals("shippingSteps.ship"))
                    .findFirst().orElseThrow();
            assertThat(ship.status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(ship.attempts()).as("the failed attempt is recorded, its row is not").isNotEmpty()
                    .first().extracting(AttemptRecord::error).asString().contains("carrier timed out");
        }
    }

    @Test
    void aCompensationsRepositoryWriteCommitsWithItsLedgerRecord() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(JpaShipping.class), "spring.jpa.hibernate.ddl-auto=create");
            var client = TestEngine.client(node);

            var id = client.start("jpa-shipping", "declined-2");

            awaitStatus(client, id, SagaStatus.COMPENSATED);
            assertThat(node.getBean(Shipments.class).count()).as("the shipment undone").isZero();
        }
    }

    private static void awaitStatus(dev.saga.SagaClient client, java.util.UUID id, SagaStatus status) {
        org.awaitility.Awaitility.await().atMost(WAIT)
                .until(() -> client.find(id).orElseThrow().status() == status);
    }
}
