package dev.saga.internal.ledger;

/** What a ledger row records. */
public enum StepKind {
    /** A call of a {@code @Step} method. */
    STEP,
    /** A run of a {@code @Compensate} method, undoing the step at {@code compensates}. */
    COMPENSATION,
    /** {@code Sagas.compensate()}: the result is how many ledger rows its compensations used. */
    COMPENSATE,
    /** {@code Sagas.now()}. */
    NOW,
    /** {@code Sagas.randomUUID()}. */
    RANDOM_UUID
}
