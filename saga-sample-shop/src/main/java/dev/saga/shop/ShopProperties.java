package dev.saga.shop;

import java.math.BigDecimal;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The shop's settings, under {@code shop.*} (see {@code application.yml}).
 *
 * @param gateway the fake payment gateway
 * @param faults fault injection: how often the fakes fail, to watch retries and compensations
 * @param timeouts how long the saga waits for people and systems
 */
@ConfigurationProperties("shop")
public record ShopProperties(@DefaultValue Gateway gateway, @DefaultValue Faults faults,
        @DefaultValue Timeouts timeouts) {

    /**
     * @param callbackDelay how long the gateway takes to decide a charge and call the webhook
     * @param declineAbove charges above this amount are always declined (deterministic, for demos and tests)
     * @param webhookUrl where the gateway posts its result; empty means this application's own
     *     {@code /webhooks/payments} on {@code localhost}
     */
    public record Gateway(@DefaultValue("1s") Duration callbackDelay, @DefaultValue("500.00") BigDecimal declineAbove,
            String webhookUrl) {
    }

    /**
     * @param declineRate the fraction of charges the gateway declines at random (0.0 to 1.0)
     * @param carrierFailureRate the fraction of label requests that fail transiently (retried)
     * @param carrierDelay how long each label request takes (the crash demo makes it slow)
     * @param emailFailureRate the fraction of email sends that fail AFTER the mail was written
     * @param emailFailFirstAttempts the first N attempts of every email fail after writing it
     *     (deterministic; the tests use 1 to show that a retried send mails once)
     */
    public record Faults(@DefaultValue("0.0") double declineRate, @DefaultValue("0.0") double carrierFailureRate,
            @DefaultValue("0s") Duration carrierDelay, @DefaultValue("0.0") double emailFailureRate,
            @DefaultValue("0") int emailFailFirstAttempts) {
    }

    /**
     * @param payment how long the saga waits for the gateway's webhook
     * @param pick how long the warehouse has to pick the item before the order is cancelled
     * @param pickupReminder how long after the confirmation the customer is reminded to collect
     * @param pickupClose how long after the reminder an uncollected order is closed
     */
    public record Timeouts(@DefaultValue("10m") Duration payment, @DefaultValue("2d") Duration pick,
            @DefaultValue("3d") Duration pickupReminder, @DefaultValue("7d") Duration pickupClose) {
    }
}
