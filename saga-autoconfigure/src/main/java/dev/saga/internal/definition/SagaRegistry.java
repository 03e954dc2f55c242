package dev.saga.internal.definition;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.aop.support.AopUtils;

/**
 * The saga and step definitions found at startup, looked up by the engine. Filled once, after
 * every singleton was created and the definitions were validated.
 */
public final class SagaRegistry {

    private volatile Map<String, SagaDefinition> sagasByName = Map.of();
    private volatile Map<String, Map<Integer, SagaDefinition>> sagasByVersion = Map.of();
    private volatile Map<Class<?>, SagaDefinition> sagasByClass = Map.of();
    private volatile Map<String, StepDefinition> stepsByName = Map.of();
    private volatile Map<Method, StepDefinition> stepsByMethod = Map.of();
    private final Map<MethodKey, StepDefinition> resolved = new ConcurrentHashMap<>();

    /** Takes the validated definitions (names are unique). */
    public void load(Collection<SagaDefinition> sagas, Collection<StepDefinition> steps) {
        this.sagasByVersion = sagas.stream().collect(Collectors.groupingBy(SagaDefinition::name,
                Collectors.toUnmodifiableMap(SagaDefinition::version, Function.identity())));
        // new starts take the newest version of each name
        this.sagasByName = sagas.stream().collect(Collectors.toUnmodifiableMap(SagaDefinition::name,
                Function.identity(), (a, b) -> a.version() >= b.version() ? a : b));
        this.sagasByClass = sagas.stream().collect(Collectors.toUnmodifiableMap(SagaDefinition::beanClass, Function.identity()));
        this.stepsByName = steps.stream().collect(Collectors.toUnmodifiableMap(StepDefinition::name, Function.identity()));
        this.stepsByMethod = steps.stream().collect(Collectors.toUnmodifiableMap(StepDefinition::method, Function.identity()));
        resolved.clear();
    }

    public Optional<SagaDefinition> saga(String name) {
        return Optional.ofNullable(sagasByName.get(name));
    }

    /** The saga of that name and version; a saga always resumes on the version it started with. */
    public Optional<SagaDefinition> saga(String name, int version) {
        return Optional.ofNullable(sagasByVersion.getOrDefault(name, Map.of()).get(version));
    }

    /** The deployed versions of the saga, in order. */
    public java.util.List<Integer> versions(String name) {
        return sagasByVersion.getOrDefault(name, Map.of()).keySet().stream().sorted().toList();
    }

    public Optional<SagaDefinition> saga(Class<?> sagaClass) {
        return Optional.ofNullable(sagasByClass.get(sagaClass));
    }

    public Collection<StepDefinition> steps() {
        return stepsByName.values();
    }

    /** Every saga and version, by name and version. */
    public java.util.List<SagaDefinition> allVersions() {
        return sagasByVersion.values().stream().flatMap(versions -> versions.values().stream())
                .sorted(java.util.Comparator.comparing(SagaDefinition::name).thenComparing(SagaDefinition::version))
                .toList();
    }

    /** The newest version of every saga. */
    public Collection<SagaDefinition> sagas() {
        return sagasByName.values();
    }

    /** The step recorded in the ledger under this name. */
    public Optional<StepDefinition> step(String name) {
        return Optional.ofNullable(stepsByName.get(name));
    }

    /**
     * The step an intercepted call is for: the method as seen by the proxy, on a bean of the
     * given class. Cached, so no reflection happens per call after the first.
     */
    public Optional<StepDefinition> step(Method invoked, Class<?> targetClass) {
        return Optional.ofNullable(resolved.computeIfAbsent(new MethodKey(invoked, targetClass),
                key -> stepsByMethod.get(AopUtils.getMostSpecificMethod(invoked, targetClass))));
    }

    private record MethodKey(Method method, Class<?> targetClass) {
    }
}
