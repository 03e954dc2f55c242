package dev.saga.shop.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;

import dev.saga.shop.ShopProperties;

/**
 * A payment gateway that answers asynchronously, like a real one: {@link #register} records the
 * charge as PENDING and returns at once; after {@code shop.gateway.callback-delay} the gateway
 * decides and POSTs {@code {sagaId, chargeId, outcome}} to the shop's webhook over real HTTP.
 *
 * <p>It declines every charge above {@code shop.gateway.decline-above} and a random
 * {@code shop.faults.decline-rate} of the others. The {@code payment} table stands in for the
 * gateway's own records; charges still PENDING when the application starts (the gateway "crashed"
 * with the shop) get their callback scheduled again.
 */
@Component
public class FakePaymentGateway implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FakePaymentGateway.class);

    private static final int WEBHOOK_ATTEMPTS = 5;

    private final PaymentRepository payments;
    private final ShopProperties properties;
    private final Environment environment;
    private final RestClient http = RestClient.create();
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    FakePaymentGateway(PaymentRepository payments, ShopProperties properties, Environment environment) {
        this.payments = payments;
        this.properties = properties;
        this.environment = environment;
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("fake-gateway-");
        scheduler.initialize();
    }

    /**
     * Registers a charge; idempotent by {@code chargeId}: registering it again returns the first
     * registration and charges nothing more.
     *
     * @param callbackKey sent back in the webhook so the caller finds what waits for the answer
     */
    public Payment register(UUID chargeId, UUID orderId, BigDecimal amount, UUID callbackKey) {
        var existing = payments.findById(chargeId);
        if (existing.isPresent()) {
            return existing.get();
        }
        Payment payment;
        try {
            payment = payments.save(new Payment(chargeId, orderId, amount, callbackKey));
        } catch (DataIntegrityViolationException raced) {
            return payments.findById(chargeId).orElseThrow();
        }
        log.info("Gateway: registered charge {} of {} for order {}", chargeId, amount, orderId);
        scheduleDecision(payment.getId());
        return payment;
    }

    /** Refunds an approved charge or voids a pending one; a declined, refunded or unknown one is left alone. */
    public PaymentStatus refund(UUID chargeId) {
        if (payments.transition(chargeId, PaymentStatus.APPROVED, PaymentStatus.REFUNDED) > 0) {
            log.info("Gateway: refunded charge {}", chargeId);
        } else if (payments.transition(chargeId, PaymentStatus.PENDING, PaymentStatus.VOIDED) > 0) {
            log.info("Gateway: voided pending charge {}", chargeId);
        }
        return payments.findById(chargeId).map(Payment::getStatus).orElse(null);
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumePendingCharges() {
        payments.findByStatus(PaymentStatus.PENDING).forEach(payment -> scheduleDecision(payment.getId()));
    }

    private void scheduleDecision(UUID chargeId) {
        scheduler.schedule(() -> decide(chargeId, 1), Instant.now().plus(properties.gateway().callbackDelay()));
    }

    private void decide(UUID chargeId, int attempt) {
        try {
            var payment = payments.findById(chargeId).orElseThrow();
            if (payment.getStatus() == PaymentStatus.PENDING) {
                var declined = payment.getAmount().compareTo(properties.gateway().declineAbove()) > 0
                        || ThreadLocalRandom.current().nextDouble() < properties.faults().declineRate();
                payments.transition(chargeId, PaymentStatus.PENDING,
                        declined ? PaymentStatus.DECLINED : PaymentStatus.APPROVED);
                payment = payments.findById(chargeId).orElseThrow();
            }
            var outcome = switch (payment.getStatus()) {
                case APPROVED, REFUNDED -> PaymentOutcome.APPROVED;
                case DECLINED -> PaymentOutcome.DECLINED;
                default -> null; // voided meanwhile: nobody waits for an answer
            };
            if (outcome == null) {
                return;
            }
            log.info("Gateway: charge {} {}, calling the webhook", chargeId, outcome);
            http.post().uri(webhookUrl()).body(new PaymentResult(payment.getCallbackKey(), chargeId, outcome))
                    .retrieve().toBodilessEntity();
        } catch (RuntimeException e) {
            if (attempt >= WEBHOOK_ATTEMPTS || scheduler.getScheduledExecutor().isShutdown()) {
                log.warn("Gateway: giving up on the webhook for charge {}: {}", chargeId, e.toString());
                return;
            }
            log.warn("Gateway: webhook for charge {} failed ({}), retrying", chargeId, e.toString());
            scheduler.schedule(() -> decide(chargeId, attempt + 1), Instant.now().plusSeconds(attempt));
        }
    }

    private String webhookUrl() {
        var configured = properties.gateway().webhookUrl();
        if (StringUtils.hasText(configured)) {
            return configured;
        }
        return "http://localhost:" + environment.getRequiredProperty("local.server.port") + "/webhooks/payments";
    }

    @Override
    public void destroy() {
        scheduler.shutdown();
    }
}
