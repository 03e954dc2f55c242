package dev.saga.shop.shipping;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.saga.shop.ShopProperties;

/**
 * A shipping carrier's label API, faked on the {@code shipping_label} table. Creating a label is
 * idempotent by tracking number. It takes {@code shop.faults.carrier-delay} and fails transiently
 * with probability {@code shop.faults.carrier-failure-rate}.
 */
@Component
public class FakeCarrier {

    private static final Logger log = LoggerFactory.getLogger(FakeCarrier.class);

    private final JdbcClient jdbc;
    private final ShopProperties properties;

    FakeCarrier(JdbcClient jdbc, ShopProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public void createLabel(String trackingNumber, UUID orderId) {
        var delay = properties.faults().carrierDelay();
        if (!delay.isZero()) {
            log.info("Carrier: creating label {} slowly ({})...", trackingNumber, delay);
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CarrierUnavailable("interrupted");
            }
        }
        if (ThreadLocalRandom.current().nextDouble() < properties.faults().carrierFailureRate()) {
            throw new CarrierUnavailable("Carrier API unavailable (injected fault), label " + trackingNumber);
        }
        int created = jdbc.sql("insert into shipping_label (tracking_number, order_id, status) values (?, ?, 'CREATED')"
                + " on conflict (tracking_number) do nothing").params(trackingNumber, orderId).update();
        log.info("Carrier: label {} for order {} {}", trackingNumber, orderId, created > 0 ? "created" : "already existed");
    }

    /** Voids the label if it exists; a repeat or an unknown label changes nothing. */
    public void voidLabel(String trackingNumber) {
        if (jdbc.sql("update shipping_label set status = 'VOIDED' where tracking_number = ? and status = 'CREATED'")
                .param(trackingNumber).update() > 0) {
            log.info("Carrier: label {} voided", trackingNumber);
        }
    }
}
