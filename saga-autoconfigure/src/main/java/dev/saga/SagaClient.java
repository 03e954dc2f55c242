package dev.saga;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Starts and queries sagas from outside them. A bean; inject it.
 *
 * <pre>{@code
 * @Transactional
 * public UUID placeOrder(Order order) {
 *     orders.save(order);
 *     return sagas.start("order-fulfilment", order, StartOptions.businessKey(order.id()));
 * }
 * }</pre>
 *
 * <p>{@code start} joins the caller's transaction (a transactional outbox): the saga exists if and
 * only if the caller's transaction commits, and it starts running right after that commit.
 * Without a surrounding transaction it commits on its own.
 *
 * <p>Counts, the backlog and the definitions, which operators and monitoring read, are on
 * {@link SagaOperations}, a bean of its own.
 */
public interface SagaClient {

    /**
     * Starts the saga with the given name.
     *
     * @param input the saga's input; {@code null} for a saga that takes none
     * @param options {@code null} for {@link StartOptions#defaults()}
     * @return the new saga's id or, when {@link StartOptions#businessKey()} names a saga that
     *     already exists, that saga's id (nothing new is started)
     * @throws UnknownSagaException if no saga has that name
     * @throws IllegalArgumentException if the input does not fit the saga's entry method
     */
    UUID start(String sagaName, @Nullable Object input, @Nullable StartOptions options);

    /** Starts the saga with the given name with {@link StartOptions#defaults()}. */
    default UUID start(String sagaName, @Nullable Object input) {
        return start(sagaName, input, StartOptions.defaults());
    }

    /** Starts the saga defined by the given {@link Saga @Saga} class. */
    UUID start(Class<?> sagaClass, @Nullable Object input, @Nullable StartOptions options);

    /**
     * Sends a signal to the saga, in the caller's transaction: the first
     * {@link Sagas#awaitSignal} of that name consumes it, whether it waits already or only later.
     * A payload is stored as JSON and read as the type the wait asks for; {@code null} sends none.
     *
     * <pre>{@code
     * @PostMapping("/webhooks/payments")
     * void paymentResult(@RequestBody PaymentResult result) {
     *     sagas.signal(result.sagaId(), "payment-result", result);
     * }
     * }</pre>
     *
     * @return {@link SignalResult#DELIVERED}, or {@link SignalResult#SAGA_FINISHED} when the saga has
     *     finished and nothing will read the signal (it is not stored)
     * @throws UnknownSagaException if no saga has that id
     */
    SignalResult signal(UUID sagaId, String signalName, @Nullable Object payload);

    /**
     * Sends a signal to the saga started with this name and business key.
     *
     * @throws UnknownSagaException if no such saga exists
     */
    SignalResult signal(String sagaName, String businessKey, String signalName, @Nullable Object payload);

    /**
     * Cancels a running or waiting saga, in the caller's transaction: it stops at its next step
     * or wait, compensates its completed steps, and ends {@link SagaStatus#CANCELLED}. Cancelling
     * a saga that is already being cancelled changes nothing.
     *
     * @param reason why, kept with the saga; {@code null} for "cancelled by a client"
     * @throws UnknownSagaException if no saga has that id
     * @throws IllegalStateException if the saga has finished
     */
    void cancel(UUID sagaId, @Nullable String reason);

    /**
     * Resumes a FAILED or PARKED saga where it stopped, after the cause was fixed: a failed
     * compensation or step gets a fresh set of attempts, a poison saga a fresh count of recoveries,
     * a saga parked on an undeployed version or changed code is replayed on the code deployed now.
     *
     * @throws UnknownSagaException if no saga has that id
     * @throws IllegalStateException if the saga is neither FAILED nor PARKED
     */
    void retry(UUID sagaId);

    /**
     * A page of sagas matching the query, newest first, each unfinished one with its
     * {@link SagaView#progress()}: {@code SagaQuery.all().withCondition(SagaQuery.Condition.STUCK)}
     * finds the sagas no live node seems to run.
     */
    SagaPage list(SagaQuery query);

    /**
     * The saga's timeline: every step, wait, timer, primitive and compensation in order.
     *
     * @throws UnknownSagaException if no saga has that id
     */
    java.util.List<SagaStepView> timeline(UUID sagaId);

    /**
     * The saga with this id, if it exists; while it has not finished, with its
     * {@link SagaView#progress()}: the node that runs it, and the wait or retry it is pending on.
     */
    Optional<SagaView> find(UUID sagaId);

    /**
     * Waits until the saga finishes and returns its output.
     *
     * @return the output, or {@code null} when the saga returned none
     * @throws SagaFailedException if it ends other than {@link SagaStatus#COMPLETED}
     * @throws SagaTimeoutException if it has not finished within the timeout
     * @throws UnknownSagaException if no saga has that id
     */
    <T> @Nullable T awaitResult(UUID sagaId, Class<T> resultType, Duration timeout);
}
