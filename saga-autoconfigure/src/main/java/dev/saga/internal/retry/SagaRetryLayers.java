package dev.saga.internal.retry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;

/**
 * The retry layers configured per saga ({@code saga.sagas.<saga>.retry.*}) and per step of a saga
 * ({@code saga.sagas.<saga>.steps.<step>.*}). A step is named by its step name ({@code charge})
 * when that is unique, or by its full name ({@code [paymentService.charge]}).
 */
public final class SagaRetryLayers {

    /** The layers of one saga. */
    public record SagaLayers(RetryOverrides retry, Map<String, RetryOverrides> steps) {
        public SagaLayers {
            retry = retry == null ? RetryOverrides.NONE : retry;
            steps = steps == null ? Map.of() : Map.copyOf(steps);
        }
    }

    public static final SagaRetryLayers NONE = new SagaRetryLayers(Map.of());

    private final Map<String, SagaLayers> bySaga;

    public SagaRetryLayers(Map<String, SagaLayers> bySaga) {
        this.bySaga = bySaga == null ? Map.of() : Map.copyOf(bySaga);
    }

    RetryOverrides sagaLayer(String sagaName) {
        var layers = bySaga.get(sagaName);
        return layers == null ? RetryOverrides.NONE : layers.retry();
    }

    RetryOverrides stepLayer(String sagaName, StepDefinition step) {
        var layers = bySaga.get(sagaName);
        if (layers == null) {
            return RetryOverrides.NONE;
        }
        var byFullName = layers.steps().get(step.name());
        return byFullName != null ? byFullName : layers.steps().getOrDefault(step.stepName(), RetryOverrides.NONE);
    }

    /** Every key that names no saga or no step (or a step ambiguously), as startup problems. */
    public List<String> problems(Collection<SagaDefinition> sagas, Collection<StepDefinition> steps) {
        var problems = new ArrayList<String>();
        var sagaNames = sagas.stream().map(SagaDefinition::name).distinct().sorted().toList();
        bySaga.forEach((saga, layers) -> {
            if (!sagaNames.contains(saga)) {
                problems.add("Configuration key saga.sagas." + saga + " names no saga; known sagas: " + sagaNames);
                return;
            }
            layers.steps().keySet().forEach(key -> {
                var matching = steps.stream().filter(s -> s.name().equals(key) || s.stepName().equals(key)).toList();
                if (matching.isEmpty()) {
                    problems.add("Configuration key saga.sagas." + saga + ".steps." + key + " names no step; known"
                            + " steps: " + steps.stream().map(StepDefinition::stepName).sorted().distinct().toList());
                } else if (matching.size() > 1 && matching.stream().noneMatch(s -> s.name().equals(key))) {
                    problems.add("Configuration key saga.sagas." + saga + ".steps." + key + " is ambiguous: it names "
                            + matching.stream().map(StepDefinition::name).collect(Collectors.joining(", "))
                            + "; use the full name in brackets, e.g. saga.sagas." + saga + ".steps.["
                            + matching.get(0).name() + "]");
                }
            });
        });
        return problems;
    }
}
