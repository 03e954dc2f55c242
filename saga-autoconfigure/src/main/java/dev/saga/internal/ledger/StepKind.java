package dev.saga.internal.ledger;

/** What a ledger row records. */
public enum StepKind {
    /** A call of a {@code @Step} method. */
    STEP,
    /** A run of a {@code @Compensate} method, undoing the step at {@code compensates}. */
    COMPENSATION,
    /** {@code Sagas.compensate()}: the result is how many ledger rows its compensations used. */
    COMPENSATE,
    /** {@code Sagas.awaitSignal(...)}: RETRYING while it waits, due at its timeout. */
    SIGNAL,
    /** {@code Sagas.sleep(...)}: RETRYING while it sleeps, due when it wakes. */
    SLEEP,
    /** {@code Sagas.patched(changeId)} taking the new path; its name is the change id. */
    PATCH,
    /** {@code Sagas.now()}. */
    NOW,
    /** {@code Sagas.randomUUID()}. */
    RANDOM_UUID;

    /** A signal wait or a sleep: RETRYING while it has not ended, which the views call WAITING. */
    public boolean waits() {
        return this == SIGNAL || this == SLEEP;
    }
}
