package dev.saga;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.saga.spi.SagaContext;

/**
 * Durable primitives for code running inside a saga. Every value returned here is recorded in
 * the saga's ledger, so a replay sees the same value as the first run.
 *
 * <pre>{@code
 * public Receipt run(Order order) {
 *     var orderedAt = Sagas.now();             // the same instant on every replay
 *     var receiptId = Sagas.randomUUID();      // the same id on every replay
 *     ...
 * }
 *
 * @Step
 * Charge charge(Order order) {
 *     return gateway.charge(order, Sagas.idempotencyKey());   // the same key on every retry
 * }
 * }</pre>
 *
 * <p>Outside a saga every method throws {@link IllegalStateException}; {@link #inSaga()} tells.
 */
public final class Sagas {

    private Sagas() {
    }

    /** Whether the calling thread runs a saga (its entry method, a step or a compensation). */
    public static boolean inSaga() {
        return SagaContext.current().isPresent();
    }

    /** The id of the running saga. */
    public static UUID sagaId() {
        return context().sagaId();
    }

    /**
     * A key that is the same on every attempt and replay of the running step or compensation,
     * and different for every other step: pass it to the services a step calls so that a repeated
     * call has no second effect.
     *
     * @throws IllegalStateException outside a step or compensation
     */
    public static String idempotencyKey() {
        return context().idempotencyKey();
    }

    /**
     * Inside a compensation: the {@link #idempotencyKey()} that the step being undone was given.
     * A compensation of a step that failed gets no result, so this is how it finds out whether
     * the step took effect after all (a payment made with that key) and what to undo.
     *
     * @throws IllegalStateException outside a compensation
     */
    public static String idempotencyKeyOfCompensatedStep() {
        return context().idempotencyKeyOfCompensatedStep();
    }

    /**
     * Waits for a signal sent with {@link SagaClient#signal}, at most {@code timeout}. A signal sent
     * before the saga got here is kept and returned at once. While it waits the saga holds no
     * thread and no memory: it is a row and an outbox entry due at the timeout.
     *
     * <pre>{@code
     * Optional<Signature> signed = Sagas.awaitSignal("signed", Signature.class, Duration.ofDays(30));
     * if (signed.isEmpty()) {
     *     mail.sendReminder(document);                  // a step
     *     signed = Sagas.awaitSignal("signed", Signature.class, Duration.ofDays(7));
     * }
     * }</pre>
     *
     * @return the signal's payload, or empty when the timeout passed first (or the payload was null)
     */
    public static <T> Optional<T> awaitSignal(String signalName, Class<T> payloadType, Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return context().awaitSignal(signalName, payloadType, timeout).map(payloadType::cast);
    }

    /**
     * A durable timer: the saga goes on after {@code duration}, on whichever node is free then,
     * holding no thread meanwhile.
     */
    public static void sleep(Duration duration) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative: " + duration);
        }
        context().sleep(duration);
    }

    /**
     * Versioning inside a saga: {@code true} for sagas that reach this point under code that has
     * the change, {@code false} for sagas that had already passed this point before it was
     * deployed, so that they replay the old path.
     *
     * <pre>{@code
     * if (Sagas.patched("compliance-check")) {
     *     compliance.check(loan);                     // only sagas that reach here from now on
     * }
     * }</pre>
     *
     * Keep the call until no saga that ran without it is left; then remove the old branch and
     * keep the call, or remove both once those sagas are gone.
     */
    public static boolean patched(String changeId) {
        if (changeId == null || changeId.isBlank()) {
            throw new IllegalArgumentException("changeId must not be blank");
        }
        return context().patched(changeId);
    }

    /**
     * Ends this run and continues the same saga (same id and business key) with an empty history
     * and the given input ({@code null} for a saga that takes none), to keep the history of a
     * long-lived saga small. Never returns.
     *
     * <pre>{@code
     * if (processed % 100 == 0) {
     *     return Sagas.continueAsNew(new Subscription(id, processed));
     * }
     * }</pre>
     */
    public static <T> T continueAsNew(@Nullable Object input) {
        context().continueAsNew(input);
        throw new IllegalStateException("continueAsNew returned");
    }

    /** The current time, recorded on first use so every replay sees the same instant. */
    public static Instant now() {
        return context().now();
    }

    /** A random UUID, recorded on first use so every replay sees the same value. */
    public static UUID randomUUID() {
        return context().randomUUID();
    }

    /**
     * Undoes every step completed so far, newest first, and then lets the saga go on: for a saga
     * that ends with a result (a rejected order) rather than an exception. The compensations are
     * recorded and retried like any others; a later failure of the saga does not undo them twice.
     *
     * <pre>{@code
     * if (!fraudCheck.approve(order)) {
     *     Sagas.compensate();               // refund, release stock
     *     return Receipt.rejected(order.id());
     * }
     * }</pre>
     *
     * @throws IllegalStateException inside a step or compensation, or after a pivot step completed
     */
    public static void compensate() {
        context().compensate();
    }

    private static SagaContext context() {
        return SagaContext.current().orElseThrow(() -> new IllegalStateException(
                "Not inside a running saga: Sagas.* works only in a @Saga entry method, a @Step "
                        + "or a @Compensate method called while a saga runs"));
    }
}
