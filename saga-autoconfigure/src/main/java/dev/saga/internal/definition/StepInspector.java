package dev.saga.internal.definition;

import static dev.saga.internal.definition.AnnotatedMethods.compensated;
import static dev.saga.internal.definition.AnnotatedMethods.stepName;
import static dev.saga.internal.definition.AnnotatedMethods.where;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotationUtils;

import dev.saga.Step;

/**
 * The rules for a bean's {@code @Step} methods: a proxy can intercept them, their names are
 * unique, each has the compensation its {@code @Step} asks for (at most one, naming a real step),
 * and they become {@link StepDefinition}s.
 */
final class StepInspector {

    /** The steps found on one class, and whether a class-based proxy can intercept them. */
    record Found(List<StepDefinition> steps, boolean proxiable) {
    }

    private final StepTransactions transactions = new StepTransactions();

    Found inspect(String beanName, Class<?> userClass, List<Method> stepMethods, Consumer<String> problems) {
        boolean proxiable = true;
        if (Modifier.isFinal(userClass.getModifiers())) {
            problems.accept("Class " + userClass.getName() + " declares @Step methods but is final, so no proxy can"
                    + " intercept them; remove 'final'");
            proxiable = false;
        }
        var byName = new LinkedHashMap<String, Method>();
        for (var method : stepMethods) {
            proxiable &= interceptable(method, problems);
            var previous = byName.putIfAbsent(stepName(method), method);
            if (previous != null) {
                problems.accept("@Step name '" + stepName(method) + "' is used twice on " + userClass.getName()
                        + " (" + previous.getName() + " and " + method.getName() + "); give one of them"
                        + " @Step(\"another-name\")");
            }
        }
        var compensations = compensations(userClass, byName, problems);
        var steps = new ArrayList<StepDefinition>();
        byName.forEach((name, method) -> steps.add(
                definition(beanName, userClass, name, method, compensations.get(name), problems)));
        return new Found(List.copyOf(steps), proxiable);
    }

    private static boolean interceptable(Method method, Consumer<String> problems) {
        int modifiers = method.getModifiers();
        String reason = Modifier.isStatic(modifiers) ? "static" : Modifier.isPrivate(modifiers) ? "private"
                : Modifier.isFinal(modifiers) ? "final" : null;
        if (reason != null) {
            problems.accept("@Step method " + where(method) + " is " + reason + ", so no proxy can intercept it;"
                    + " make it a non-final instance method that is not private");
        }
        return reason == null;
    }

    /** The one well-formed {@code @Compensate} method per step name. */
    private static Map<String, Method> compensations(Class<?> userClass, Map<String, Method> steps,
            Consumer<String> problems) {
        var compensations = new LinkedHashMap<String, Method>();
        for (var compensation : AnnotatedMethods.compensations(userClass)) {
            var step = steps.get(compensated(compensation));
            if (step == null) {
                problems.accept("@Compensate method " + where(compensation) + " names step '"
                        + compensated(compensation) + "' but " + userClass.getName() + " has no such @Step (its steps: "
                        + String.join(", ", steps.keySet()) + ")");
            } else if (compensations.putIfAbsent(compensated(compensation), compensation) != null) {
                problems.accept("Step '" + compensated(compensation) + "' of " + userClass.getName()
                        + " has two @Compensate methods (" + compensations.get(compensated(compensation)).getName()
                        + " and " + compensation.getName() + "); keep one");
            } else {
                CompensationSignature.check(step, compensation, problems);
            }
        }
        return compensations;
    }

    private StepDefinition definition(String beanName, Class<?> userClass, String name, Method method,
            @Nullable Method compensation, Consumer<String> problems) {
        var annotation = AnnotationUtils.findAnnotation(method, Step.class);
        var kept = keptCompensation(userClass, name, method, annotation, compensation, problems);
        return new StepDefinition(beanName + "." + name, name, beanName, userClass, method, annotation, kept,
                transactions.of(method, userClass), kept == null ? null : transactions.of(kept, userClass));
    }

    /** The compensation as the {@code @Step} allows it: none for a pivot or {@code NONE}. */
    private static @Nullable Method keptCompensation(Class<?> userClass, String name, Method method,
            Step annotation, @Nullable Method compensation, Consumer<String> problems) {
        if (annotation.pivot() && compensation != null) {
            problems.accept("@Step method " + where(method) + " is a pivot (the point of no return) but "
                    + where(compensation) + " compensates it; a pivot cannot be undone, remove one of the two");
            compensation = null;
        }
        if (annotation.compensation() == Step.Compensation.REQUIRED && compensation == null && !annotation.pivot()) {
            problems.accept("@Step method " + where(method) + " has no compensation: add a method annotated"
                    + " @Compensate(\"" + name + "\") to " + userClass.getSimpleName()
                    + ", or declare @Step(compensation = Step.Compensation.NONE) if it has nothing to undo"
                    + " (a retriable step), or @Step(pivot = true) if it is the point of no return");
        }
        if (annotation.compensation() == Step.Compensation.NONE && compensation != null) {
            problems.accept("@Step method " + where(method) + " declares compensation = NONE but "
                    + where(compensation) + " compensates it; remove one of the two");
            compensation = null;
        }
        return compensation;
    }
}
