package dev.saga.test;

/** Where in a step the node dies, for {@link SagaTestKit#crashAt(String, CrashPoint)}. */
public enum CrashPoint {

    /** Before the step's method runs: nothing of the attempt happened. */
    BEFORE_EFFECT,

    /**
     * After the step's method returned, before its record commits: a transactional step's effect
     * rolls back with the record; any other step's effect (a call to another system) has happened,
     * and the attempt is repeated with the same idempotency key.
     */
    AFTER_EFFECT,

    /** After the step's completion committed: it is never repeated. */
    AFTER_RECORD
}
