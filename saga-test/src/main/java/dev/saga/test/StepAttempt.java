package dev.saga.test;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of a step's effect that the test kit saw (its method ran, or its stub answered).
 *
 * @param sagaId the saga it belongs to
 * @param stepName the step's own name
 * @param qualifiedName the name the ledger records, {@code <bean name>.<step name>}
 * @param idempotencyKey the step's key, the same in each of its attempts
 * @param arguments what the saga passed
 * @param stubbed whether a stub answered instead of the step's method
 */
public record StepAttempt(UUID sagaId, String stepName, String qualifiedName, String idempotencyKey,
        List<@Nullable Object> arguments, boolean stubbed) {
}
