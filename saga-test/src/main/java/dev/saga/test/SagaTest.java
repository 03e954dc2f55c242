package dev.saga.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Puts the sagas of a {@code @SpringBootTest} under the test's control: the engine runs on a
 * clock the test moves with {@link SagaTestKit#advance}, steps can be stubbed and the node crashed
 * ({@link SagaTestKit}, injected), and {@link SagaAssertions#assertThatSaga} checks a saga's
 * timeline. Waits and retries never keep a worker thread under {@code @SagaTest}
 * ({@code saga.dispatcher.max-inline-wait=0ms} unless the test sets it), so every one of them
 * can be skipped. After each test the kit undoes what it did.
 *
 * <pre>
 * &#64;SpringBootTest
 * &#64;SagaTest
 * class OrderFulfilmentTests {
 *     &#64;Autowired SagaTestKit sagas;
 *     ...
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SagaTestExtension.class)
public @interface SagaTest {
}
