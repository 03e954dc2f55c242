package dev.saga.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

import dev.saga.internal.time.ClockCheck;
import dev.saga.internal.time.SagaClock;

/**
 * For a {@link SagaTest} class, registers the kit, its clock (as the engine's {@code sagaClock},
 * which the engine's own then backs off from, with a clock check that does not warn about it) and
 * its step hook in the test's context before it is
 * refreshed, and makes every wait and retry go through the outbox (so the clock can skip it) unless
 * the test configures {@code saga.dispatcher.max-inline-wait} itself.
 */
final class SagaTestContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, SagaTest.class) ? new KitCustomizer() : null;
    }

    /** The same for every {@code @SagaTest} class, so that they share cached contexts. */
    private static final class KitCustomizer implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration merged) {
            context.getEnvironment().getPropertySources().addLast(new MapPropertySource("sagaTest",
                    Map.of("saga.dispatcher.max-inline-wait", "0ms")));
            var clock = new TestClock();
            var sagaClock = new SagaClock(clock);
            var kit = new SagaTestKit(clock, context);
            var beans = context.getBeanFactory();
            beans.registerSingleton("sagaClock", sagaClock);
            if (context instanceof GenericApplicationContext registry) {
                // the test clock stands apart from the database's on purpose: nothing to warn about
                registry.registerBean("sagaClockCheck", ClockCheck.class, () -> new ClockCheck(sagaClock,
                        sagaClock::now, Duration.ofDays(1), Duration.ofDays(1),
                        beans.getBean("sagaClockCheckScheduler", TaskScheduler.class)));
            }
            beans.registerSingleton("sagaTestKit", kit);
            beans.registerSingleton("sagaTestStepHook", kit.hook());
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof KitCustomizer;
        }

        @Override
        public int hashCode() {
            return KitCustomizer.class.hashCode();
        }
    }
}
