package dev.saga.test;

import java.util.UUID;

import dev.saga.SagaClient;

/** Entry points for assertions on sagas, AssertJ style. */
public final class SagaAssertions {

    private SagaAssertions() {
    }

    /**
     * Assertions on the saga with this id, read through the test's context: in a {@link SagaTest}
     * test, on the test's thread.
     */
    public static SagaAssert assertThatSaga(UUID sagaId) {
        return new SagaAssert(SagaTestExtension.current().client(), sagaId);
    }

    /** Assertions on the saga with this id, read through the given client (outside {@code @SagaTest}). */
    public static SagaAssert assertThatSaga(SagaClient client, UUID sagaId) {
        return new SagaAssert(client, sagaId);
    }
}
