package dev.saga.shop;

import static org.assertj.core.api.Assertions.assertThat;

import java.beans.Introspector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.util.ClassUtils;

import dev.saga.Saga;
import dev.saga.Step;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.determinism.DeterminismScanner;
import dev.saga.internal.determinism.Finding;

/**
 * The shop's sagas and steps pass the determinism check that runs at startup
 * ({@code saga.determinism-check}), read straight from their classes, without starting the shop.
 * Prints what the check costs.
 */
class ShopDeterminismTests {

    @Test
    void theShopsSagasAndStepsMakeNoCallThatBreaksReplay() throws Exception {
        var collector = new DefinitionCollector();
        for (var type : sagaAndStepClasses()) {
            collector.inspect(Introspector.decapitalize(type.getSimpleName()), type);
        }
        assertThat(collector.problems()).isEmpty();
        var sagas = collector.sagas();
        var stepBeans = collector.steps().stream().map(StepDefinition::beanClass).distinct().count();
        assertThat(sagas).isNotEmpty();
        assertThat(stepBeans).isGreaterThanOrEqualTo(4);

        long started = System.nanoTime();
        var result = DeterminismScanner.scan(sagas, collector.steps());
        double cold = (System.nanoTime() - started) / 1e6;
        started = System.nanoTime();
        DeterminismScanner.scan(sagas, collector.steps());
        double warm = (System.nanoTime() - started) / 1e6;

        System.out.printf(Locale.ROOT, "Determinism check of %d sagas and %d step beans of the sample shop took %.1f ms"
                + " (%d methods read; %.1f ms the second time, with ASM loaded)%n", sagas.size(), stepBeans, cold,
                result.methodsRead(), warm);
        assertThat(result.methodsRead()).as("the entry method and every step were read")
                .isGreaterThan(collector.steps().size());
        assertThat(result.findings()).extracting(Finding::message).isEmpty();
    }

    /** The shop's classes that declare a saga or steps, as the engine finds them among the beans. */
    private static List<Class<?>> sagaAndStepClasses() throws ClassNotFoundException {
        var scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter((reader, factory) -> reader.getAnnotationMetadata().hasAnnotation(Saga.class.getName())
                || reader.getAnnotationMetadata().hasAnnotatedMethods(Step.class.getName()));
        var types = new ArrayList<Class<?>>();
        for (var candidate : scanner.findCandidateComponents(ShopApplication.class.getPackageName())) {
            types.add(ClassUtils.forName(candidate.getBeanClassName(), ShopDeterminismTests.class.getClassLoader()));
        }
        return types;
    }
}
