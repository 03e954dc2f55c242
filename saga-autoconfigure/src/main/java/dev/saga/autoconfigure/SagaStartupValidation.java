package dev.saga.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

import dev.saga.SagaDefinitionException;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.determinism.DeterminismScanner;
import dev.saga.internal.determinism.Finding;
import dev.saga.internal.retry.RetryPolicies;

/**
 * Once every singleton exists: creates the lazy beans that declare sagas or steps (so that their
 * definitions are found and their steps proxied), checks all definitions and retry attributes and,
 * unless {@code saga.determinism-check} is off, the byte code for calls that break replay; fails
 * startup with every problem in one {@link SagaDefinitionException} (the cause of Spring's
 * {@link BeanInitializationException}, printed once by Boot's failure report), and otherwise fills
 * the registry. With {@code saga.determinism-check=warn} the calls found are logged instead.
 */
final class SagaStartupValidation implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SagaStartupValidation.class);

    private final DefinitionCollector collector;
    private final SagaRegistry registry;
    private final RetryPolicies policies;
    private final ConfigurableListableBeanFactory beanFactory;
    private final SagaProperties.DeterminismCheck determinismCheck;

    SagaStartupValidation(DefinitionCollector collector, SagaRegistry registry, RetryPolicies policies,
            ConfigurableListableBeanFactory beanFactory, SagaProperties.DeterminismCheck determinismCheck) {
        this.collector = collector;
        this.registry = registry;
        this.policies = policies;
        this.beanFactory = beanFactory;
        this.determinismCheck = determinismCheck;
    }

    @Override
    public void afterSingletonsInstantiated() {
        createLazySagaBeans();
        var problems = new ArrayList<>(collector.problems());
        problems.addAll(policies.problems(collector.sagas(), collector.steps()));
        problems.addAll(checkDeterminism());
        if (!problems.isEmpty()) {
            // the list once: Spring logs the message of what it catches, Boot's report prints the cause
            throw new BeanInitializationException("Saga definitions are invalid (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "), listed in the cause",
                    new SagaDefinitionException(problems));
        }
        registry.load(collector.sagas(), collector.steps());
    }

    /** The calls that break replay, as problems when the check fails startup; logged when it warns. */
    private List<String> checkDeterminism() {
        if (determinismCheck == SagaProperties.DeterminismCheck.OFF) {
            return List.of();
        }
        long started = System.nanoTime();
        var sagas = collector.sagas();
        var steps = collector.steps();
        var scan = DeterminismScanner.scan(sagas, steps);
        var findings = scan.findings();
        if (log.isDebugEnabled()) {
            log.debug("Determinism check of {} sagas and {} step beans took {} ms ({} methods read, {} findings)",
                    sagas.size(), steps.stream().map(StepDefinition::beanName).distinct().count(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e6), scan.methodsRead(),
                    findings.size());
        }
        if (determinismCheck == SagaProperties.DeterminismCheck.FAIL) {
            return findings.stream().map(Finding::message).toList();
        }
        findings.forEach(finding -> log.warn("Saga code that breaks replay: {} (saga.determinism-check=warn)",
                finding.message()));
        return List.of();
    }

    /**
     * Creates the {@code @Lazy} singletons whose type declares sagas or steps and that nothing
     * has created yet: the registry is filled once, now, and a step bean created later would run
     * its steps as plain calls. (With {@code spring.main.lazy-initialization} such beans are kept
     * eager by the auto-configuration's exclude filter.)
     */
    private void createLazySagaBeans() {
        for (var name : beanFactory.getBeanDefinitionNames()) {
            if (beanFactory.containsSingleton(name)) {
                continue;
            }
            var definition = beanFactory.getMergedBeanDefinition(name);
            if (definition.isAbstract() || !definition.isSingleton() || !definition.isLazyInit()) {
                continue;
            }
            var type = beanFactory.getType(name, false);
            if (type != null && DefinitionCollector.declaresSagaOrSteps(ClassUtils.getUserClass(type))) {
                beanFactory.getBean(name);
            }
        }
    }
}
