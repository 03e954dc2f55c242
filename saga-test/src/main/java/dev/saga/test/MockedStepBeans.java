package dev.saga.test;

import java.util.ArrayList;

import org.mockito.Mockito;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.saga.Step;

/**
 * Refuses a test whose context holds a Mockito mock (not a spy) of a bean with {@code @Step}
 * methods: Spring registers such a mock as a finished object, without the post-processing that
 * makes its methods steps, so a saga's calls on it would be plain calls, neither recorded nor
 * retried, and would run again on every replay.
 */
final class MockedStepBeans {

    private static final boolean MOCKITO = ClassUtils.isPresent("org.mockito.Mockito",
            MockedStepBeans.class.getClassLoader());

    private MockedStepBeans() {
    }

    static void refuse(ConfigurableListableBeanFactory beans) {
        if (!MOCKITO) {
            return;
        }
        var mocked = new ArrayList<String>();
        for (var name : beans.getSingletonNames()) {
            var bean = beans.getSingleton(name);
            if (bean == null) {
                continue;
            }
            var details = Mockito.mockingDetails(bean);
            if (details.isMock() && !details.isSpy()) {
                var type = details.getMockCreationSettings().getTypeToMock();
                if (hasSteps(type)) {
                    mocked.add("'" + name + "' (" + type.getName() + ")");
                }
            }
        }
        if (!mocked.isEmpty()) {
            throw new IllegalStateException("@SagaTest: the step beans " + String.join(", ", mocked) + " are Mockito"
                    + " mocks (@MockitoBean). Spring registers a mock without the post-processing that makes its"
                    + " @Step methods steps, so a saga's calls on it would be plain calls: not recorded, not retried,"
                    + " and repeated on every replay. Stub the step with SagaTestKit.stub(\"<step>\"), or spy the bean"
                    + " with @MockitoSpyBean, which keeps its steps.");
        }
    }

    private static boolean hasSteps(Class<?> type) {
        var found = new boolean[1];
        ReflectionUtils.doWithMethods(type, method -> found[0] = true,
                method -> AnnotationUtils.findAnnotation(method, Step.class) != null);
        return found[0];
    }
}
