package dev.saga.autoconfigure;

import java.util.ArrayList;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

import dev.saga.SagaDefinitionException;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.retry.RetryPolicies;

/**
 * Once every singleton exists: creates the lazy beans that declare sagas or steps (so that their
 * definitions are found and their steps proxied), checks all definitions and retry attributes,
 * fails startup with every problem in one {@link SagaDefinitionException} (the cause of Spring's
 * {@link BeanInitializationException}, printed once by Boot's failure report), and otherwise fills
 * the registry.
 */
final class SagaStartupValidation implements SmartInitializingSingleton {

    private final DefinitionCollector collector;
    private final SagaRegistry registry;
    private final RetryPolicies policies;
    private final ConfigurableListableBeanFactory beanFactory;

    SagaStartupValidation(DefinitionCollector collector, SagaRegistry registry, RetryPolicies policies,
            ConfigurableListableBeanFactory beanFactory) {
        this.collector = collector;
        this.registry = registry;
        this.policies = policies;
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        createLazySagaBeans();
        var problems = new ArrayList<>(collector.problems());
        problems.addAll(policies.problems(collector.sagas(), collector.steps()));
        if (!problems.isEmpty()) {
            // the list once: Spring logs the message of what it catches, Boot's report prints the cause
            throw new BeanInitializationException("Saga definitions are invalid (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "), listed in the cause", new SagaDefinitionException(problems));
        }
        registry.load(collector.sagas(), collector.steps());
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
