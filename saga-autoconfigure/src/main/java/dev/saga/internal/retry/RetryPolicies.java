package dev.saga.internal.retry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;

/**
 * Merges the configuration layers into one policy per saga and step, once. Lowest first: the
 * application's defaults ({@code saga.retry.*}), the step's {@link dev.saga.Step} attributes, the saga's
 * layer ({@code saga.sagas.<saga>.retry.*}), the saga's layer for that step
 * ({@code saga.sagas.<saga>.steps.<step>.*}): configuration beats code, specific beats general.
 */
public final class RetryPolicies {

    private final RetryPolicy defaults;
    private final SagaRetryLayers layers;
    private final Map<String, RetryPolicy> resolved = new ConcurrentHashMap<>();

    public RetryPolicies(RetryPolicy defaults, SagaRetryLayers layers) {
        this.defaults = defaults;
        this.layers = layers;
    }

    /** The effective policy of the step when the given saga calls it. */
    public RetryPolicy forStep(String sagaName, StepDefinition step) {
        return resolved.computeIfAbsent(sagaName + "\u0000" + step.name(), key -> {
            var policy = RetryLayer.declaredBy(step).over(defaults);
            policy = layers.sagaLayer(sagaName).over(policy);
            return layers.stepLayer(sagaName, step).over(policy);
        });
    }

    /**
     * Every problem with the policies: malformed {@code @Step} attributes, configuration keys that
     * name no saga or step, and merged policies that make no sense (a negative delay).
     */
    public List<String> problems(Collection<SagaDefinition> sagas, Collection<StepDefinition> steps) {
        var problems = new ArrayList<String>(layers.problems(sagas, steps));
        for (var step : steps) {
            try {
                RetryLayer.declaredBy(step);
                for (var saga : sagas) {
                    forStep(saga.name(), step);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage().startsWith("Invalid retry attributes") ? e.getMessage()
                        : "Invalid retry policy for step " + step.location() + ": " + e.getMessage());
            }
        }
        return problems.stream().distinct().toList();
    }
}
