package dev.saga.autoconfigure;

import java.util.ArrayList;

import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.saga.SagaDefinitionException;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.retry.RetryPolicies;

/**
 * Once every singleton exists: checks all definitions and retry attributes, fails startup with
 * every problem in one message, and otherwise fills the registry.
 */
final class SagaStartupValidation implements SmartInitializingSingleton {

    private final DefinitionCollector collector;
    private final SagaRegistry registry;
    private final RetryPolicies policies;

    SagaStartupValidation(DefinitionCollector collector, SagaRegistry registry, RetryPolicies policies) {
        this.collector = collector;
        this.registry = registry;
        this.policies = policies;
    }

    @Override
    public void afterSingletonsInstantiated() {
        var problems = new ArrayList<>(collector.problems());
        problems.addAll(policies.problems(collector.sagas(), collector.steps()));
        if (!problems.isEmpty()) {
            throw new SagaDefinitionException(problems);
        }
        registry.load(collector.sagas(), collector.steps());
    }
}
