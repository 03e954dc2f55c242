package dev.saga.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * Binds the test's {@link SagaTestKit} to the test's thread (for
 * {@link SagaAssertions#assertThatSaga}) before each test, and undoes what the test did with it
 * after.
 */
final class SagaTestExtension implements BeforeEachCallback, AfterEachCallback {

    private static final ThreadLocal<SagaTestKit> CURRENT = new ThreadLocal<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        var kit = kit(context);
        kit.beforeTest();
        CURRENT.set(kit);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        CURRENT.remove();
        kit(context).afterTest();
    }

    private static SagaTestKit kit(ExtensionContext context) {
        var applicationContext = SpringExtension.getApplicationContext(context);
        var kits = applicationContext.getBeanProvider(SagaTestKit.class);
        var kit = kits.getIfAvailable();
        if (kit == null) {
            throw new IllegalStateException("@SagaTest found no SagaTestKit in the test's context: is the test a"
                    + " @SpringBootTest of an application with the saga starter?");
        }
        return kit;
    }

    /** The kit of the test running on this thread. */
    static SagaTestKit current() {
        @Nullable SagaTestKit kit = CURRENT.get();
        if (kit == null) {
            throw new IllegalStateException("assertThatSaga(id) works in a @SagaTest test, on the test's thread;"
                    + " elsewhere use assertThatSaga(sagaClient, id)");
        }
        return kit;
    }
}
