package dev.saga;

/**
 * A saga's run recorded as many history entries as {@code saga.history.max-entries} allows; it
 * fails like any exception. Long-lived sagas call {@link Sagas#continueAsNew(Object)} to go on
 * with an empty history.
 */
public class SagaHistoryLimitException extends SagaException {

    public SagaHistoryLimitException(String message) {
        super(message);
    }
}
