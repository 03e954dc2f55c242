package dev.saga.internal.retry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;

/**
 * The retry layers configured per saga ({@code saga.sagas.<saga>.retry.*}) and per step of a saga
 * ({@code saga.sagas.<saga>.steps.<step>.*}). A step is named by its step name ({@code charge})
 * when that is unique, or by its full name ({@code [paymentService.charge]}).
 */
public final class SagaRetryLayers {

    /** The layers of one saga: for every step it calls, and for single steps by name; unset ones set nothing. */
    public record SagaLayers(RetryLayer retry, Map<String, RetryLayer> steps) {
        public SagaLayers {
            retry = retry == null ? RetryLayer.NONE : retry;
            var named = new HashMap<String, RetryLayer>(steps == null ? Map.of() : steps);
            named.replaceAll((step, layer) -> layer == null ? RetryLayer.NONE : layer);
            steps = Map.copyOf(named);
        }
    }

    public static final SagaRetryLayers NONE = new SagaRetryLayers(Map.of());

    private final Map<String, SagaLayers> bySaga;

    public SagaRetryLayers(@Nullable Map<String, SagaLayers> bySaga) {
        this.bySaga = bySaga == null ? Map.of() : Map.copyOf(bySaga);
    }

    RetryLayer sagaLayer(String sagaName) {
        var layers = bySaga.get(sagaName);
        return layers == null ? RetryLayer.NONE : layers.retry();
    }

    RetryLayer stepLayer(String sagaName, StepDefinition step) {
        var layers = bySaga.get(sagaName);
        if (layers == null) {
            return RetryLayer.NONE;
        }
        var byFullName = layers.steps().get(step.name());
        return byFullName != null ? byFullName : layers.steps().getOrDefault(step.stepName(), RetryLayer.NONE);
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
