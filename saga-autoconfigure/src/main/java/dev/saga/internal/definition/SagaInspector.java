package dev.saga.internal.definition;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.saga.Saga;

/** The rules for a {@code @Saga} class: one entry method, at most one input, a version from 1, a unique name. */
final class SagaInspector {

    private SagaInspector() {
    }

    /** The saga the class declares, or none when its entry method is unusable (the problem is reported). */
    static Optional<SagaDefinition> inspect(String beanName, Class<?> userClass, Saga saga, Consumer<String> problems) {
        var name = saga.value().isBlank() ? beanName : saga.value();
        var entries = entryCandidates(userClass);
        if (entries.size() != 1) {
            problems.accept("@Saga class " + userClass.getName() + " has " + entries.size() + " entry methods"
                    + (entries.isEmpty() ? "" : " (" + entries.stream().map(Method::getName).sorted()
                            .collect(Collectors.joining(", ")) + ")")
                    + ": a saga bean has exactly one public method, the saga itself; make helpers private");
            return Optional.empty();
        }
        var entry = entries.get(0);
        if (entry.getParameterCount() > 1) {
            problems.accept("Saga entry method " + AnnotatedMethods.where(entry) + " takes " + entry.getParameterCount()
                    + " parameters: a saga takes at most one input; wrap them in a record");
            return Optional.empty();
        }
        if (saga.version() < 1) {
            problems.accept("@Saga class " + userClass.getName() + " declares version " + saga.version()
                    + ": versions start at 1");
        }
        return Optional.of(new SagaDefinition(name, saga.version(), beanName, userClass, entry));
    }

    /** The public instance methods, or, when there are none, those that are not private. */
    private static List<Method> entryCandidates(Class<?> userClass) {
        var candidates = Arrays.stream(userClass.getDeclaredMethods())
                .filter(m -> !m.isSynthetic() && !m.isBridge() && !Modifier.isStatic(m.getModifiers()))
                .toList();
        var publicOnes = candidates.stream().filter(m -> Modifier.isPublic(m.getModifiers())).toList();
        return !publicOnes.isEmpty() ? publicOnes
                : candidates.stream().filter(m -> !Modifier.isPrivate(m.getModifiers())).toList();
    }

    /** A problem for every name and version that more than one class declares. */
    static List<String> declaredTwice(List<SagaDefinition> sagas) {
        var problems = new ArrayList<String>();
        sagas.stream()
                .collect(Collectors.groupingBy(d -> "'" + d.name() + "' version " + d.version(), LinkedHashMap::new,
                        Collectors.toList()))
                .forEach((nameAndVersion, defs) -> {
                    if (defs.size() > 1) {
                        problems.add("Saga " + nameAndVersion + " is declared " + defs.size() + " times: "
                                + defs.stream().map(d -> d.beanClass().getName()).collect(Collectors.joining(", "))
                                + "; a saga name is unique, unless each declaration has its own @Saga(version = ...)");
                    }
                });
        return problems;
    }
}
