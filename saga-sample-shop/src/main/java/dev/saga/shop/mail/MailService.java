package dev.saga.shop.mail;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.saga.Sagas;
import dev.saga.Step;
import dev.saga.shop.ShopProperties;
import dev.saga.shop.order.EmailView;
import dev.saga.shop.order.OrderRequest;
import dev.saga.shop.shipping.Label;

/**
 * Sends the order's emails, "sending" being a row in the {@code email} table. Every send is keyed
 * by {@link Sagas#idempotencyKey()} (a unique column): a retried send finds its mail already written
 * and does not mail twice. {@code shop.faults.email-failure-rate} and
 * {@code shop.faults.email-fail-first-attempts} make a send fail AFTER writing the mail (the mail
 * server took it but the acknowledgement was lost) to show exactly that.
 */
@Service("mail") // the ledger names its steps mail.<step>: a class rename leaves running sagas intact
public class MailService {

    private static final Logger log = LoggerFactory.getLogger(MailService.class);

    private final JdbcClient jdbc;
    private final ShopProperties properties;
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    MailService(JdbcClient jdbc, ShopProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * The point of no return ({@code pivot = true}): once the customer was told the order is ready
     * for pickup, the shop no longer undoes it: no refund, no restocking, whatever happens next. An
     * order never collected is CLOSED, not cancelled. So this step has no compensation, and the
     * engine compensates nothing after it completed (a later failure is retried, or PARKED for an
     * operator). The label is not the pivot: a label can still be voided when nobody picks the
     * item, and that must refund the customer.
     */
    @Step(pivot = true)
    public void sendConfirmation(OrderRequest order, Label label) {
        send(order, "CONFIRMATION", "Your order is ready for pickup",
                "Your " + order.quantity() + " x " + order.item() + " (tracking " + label.trackingNumber()
                        + ") is packed and waits for you at the pickup counter.");
    }

    /** Past the pivot, nothing to undo: an email is not taken back. */
    @Step(compensation = Step.Compensation.NONE)
    public void sendPickupReminder(OrderRequest order) {
        send(order, "PICKUP_REMINDER", "Reminder: your order waits for you",
                "Your " + order.quantity() + " x " + order.item() + " is still waiting at the pickup counter.");
    }

    public List<EmailView> emailsOf(UUID orderId) {
        return jdbc.sql("select kind, recipient, subject, body, sent_at from email where order_id = ? order by id")
                .param(orderId)
                .query((rs, row) -> new EmailView(rs.getString("kind"), rs.getString("recipient"),
                        rs.getString("subject"), rs.getString("body"), rs.getTimestamp("sent_at").toInstant()))
                .list();
    }

    private void send(OrderRequest order, String kind, String subject, String body) {
        var key = Sagas.idempotencyKey();
        int written = jdbc.sql("insert into email (order_id, kind, recipient, subject, body, idempotency_key)"
                + " values (?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing")
                .params(order.orderId(), kind, order.customerEmail(), subject, body, key).update();
        log.info(written > 0 ? "Mailed {} to {} for order {}" : "{} to {} for order {} was already mailed",
                kind, order.customerEmail(), order.orderId());
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        var faults = properties.faults();
        if (attempt <= faults.emailFailFirstAttempts()
                || ThreadLocalRandom.current().nextDouble() < faults.emailFailureRate()) {
            throw new EmailSendFailed("Mail server did not acknowledge " + kind + " for order " + order.orderId()
                    + " (injected fault, attempt " + attempt + ")");
        }
        attempts.remove(key);
    }
}
