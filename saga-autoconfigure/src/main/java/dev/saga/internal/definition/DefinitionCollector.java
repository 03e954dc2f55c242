package dev.saga.internal.definition;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.DefaultTransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.saga.Compensate;
import dev.saga.Saga;
import dev.saga.Step;

/**
 * Inspects beans as they are created, keeps the saga and step definitions it finds and every
 * problem with them, so that startup can report all problems in one message.
 */
public final class DefinitionCollector {

    private final AnnotationTransactionAttributeSource transactionAttributes =
            new AnnotationTransactionAttributeSource(false);
    private final List<SagaDefinition> sagas = new ArrayList<>();
    private final List<StepDefinition> steps = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * Records what the bean declares.
     *
     * @return whether the bean declares steps that a class-based proxy can intercept, so it
     *     needs one
     */
    public synchronized boolean inspect(String beanName, Class<?> userClass) {
        var saga = AnnotatedElementUtils.findMergedAnnotation(userClass, Saga.class);
        if (saga != null) {
            inspectSaga(beanName, userClass, saga);
        }
        var stepMethods = stepMethods(userClass);
        if (stepMethods.isEmpty()) {
            compensateMethods(userClass).forEach(m -> problems.add("@Compensate method " + where(m)
                    + " names step '" + compensated(m) + "' but " + userClass.getName() + " declares no @Step method"));
            return false;
        }
        if (saga != null) {
            stepMethods.forEach(m -> problems.add("@Step method " + where(m) + " is declared on @Saga bean '"
                    + beanName + "': the saga would call it on itself, bypassing the proxy, and it would not be"
                    + " durable. Move the step to another bean and inject that bean into the saga"));
            return false;
        }
        return inspectSteps(beanName, userClass, stepMethods);
    }

    /**
     * Whether beans of the class declare a saga, steps or compensations, so that they must be
     * inspected at startup, before any saga runs (they may not be created lazily).
     */
    public static boolean declaresSagaOrSteps(Class<?> userClass) {
        var name = userClass.getName();
        if (name.startsWith("org.springframework.") || name.startsWith("java")) {
            return false; // framework beans declare no sagas; skip the reflection
        }
        return AnnotatedElementUtils.hasAnnotation(userClass, Saga.class) || !stepMethods(userClass).isEmpty()
                || !compensateMethods(userClass).isEmpty();
    }

    /** Every problem found so far. */
    public synchronized List<String> problems() {
        var all = new ArrayList<>(problems);
        sagas.stream()
                .collect(Collectors.groupingBy(d -> d.name() + " version " + d.version(), LinkedHashMap::new,
                        Collectors.toList()))
                .forEach((nameAndVersion, defs) -> {
                    if (defs.size() > 1) {
                        all.add("Saga '" + nameAndVersion + "' is declared " + defs.size() + " times: "
                                + defs.stream().map(d -> d.beanClass().getName()).collect(Collectors.joining(", "))
                                + "; a saga name is unique, unless each declaration has its own @Saga(version = ...)");
                    }
                });
        return all;
    }

    public synchronized List<SagaDefinition> sagas() {
        return List.copyOf(sagas);
    }

    public synchronized List<StepDefinition> steps() {
        return List.copyOf(steps);
    }

    private void inspectSaga(String beanName, Class<?> userClass, Saga saga) {
        var name = saga.value().isBlank() ? beanName : saga.value();
        var candidates = Arrays.stream(userClass.getDeclaredMethods())
                .filter(m -> !m.isSynthetic() && !m.isBridge() && !Modifier.isStatic(m.getModifiers()))
                .toList();
        var publicOnes = candidates.stream().filter(m -> Modifier.isPublic(m.getModifiers())).toList();
        var entries = !publicOnes.isEmpty() ? publicOnes
                : candidates.stream().filter(m -> !Modifier.isPrivate(m.getModifiers())).toList();
        if (entries.size() != 1) {
            problems.add("@Saga class " + userClass.getName() + " has " + entries.size() + " entry methods"
                    + (entries.isEmpty() ? "" : " (" + entries.stream().map(Method::getName).sorted()
                            .collect(Collectors.joining(", ")) + ")")
                    + ": a saga bean has exactly one public method, the saga itself; make helpers private");
            return;
        }
        var entry = entries.get(0);
        if (entry.getParameterCount() > 1) {
            problems.add("Saga entry method " + where(entry) + " takes " + entry.getParameterCount()
                    + " parameters: a saga takes at most one input; wrap them in a record");
            return;
        }
        if (saga.version() < 1) {
            problems.add("@Saga class " + userClass.getName() + " declares version " + saga.version()
                    + ": versions start at 1");
        }
        sagas.add(new SagaDefinition(name, saga.version(), beanName, userClass, entry));
    }

    private boolean inspectSteps(String beanName, Class<?> userClass, List<Method> stepMethods) {
        boolean proxiable = true;
        if (Modifier.isFinal(userClass.getModifiers())) {
            problems.add("Class " + userClass.getName() + " declares @Step methods but is final, so no proxy can"
                    + " intercept them; remove 'final'");
            proxiable = false;
        }
        var byName = new LinkedHashMap<String, Method>();
        for (var method : stepMethods) {
            int modifiers = method.getModifiers();
            String reason = Modifier.isStatic(modifiers) ? "static" : Modifier.isPrivate(modifiers) ? "private"
                    : Modifier.isFinal(modifiers) ? "final" : null;
            if (reason != null) {
                problems.add("@Step method " + where(method) + " is " + reason + ", so no proxy can intercept it;"
                        + " make it a non-final instance method that is not private");
                proxiable = false;
            }
            var previous = byName.putIfAbsent(stepName(method), method);
            if (previous != null) {
                problems.add("@Step name '" + stepName(method) + "' is used twice on " + userClass.getName()
                        + " (" + previous.getName() + " and " + method.getName() + "); give one of them"
                        + " @Step(\"another-name\")");
            }
        }
        var compensations = new LinkedHashMap<String, Method>();
        for (var compensation : compensateMethods(userClass)) {
            var step = byName.get(compensated(compensation));
            if (step == null) {
                problems.add("@Compensate method " + where(compensation) + " names step '" + compensated(compensation)
                        + "' but " + userClass.getName() + " has no such @Step (its steps: "
                        + String.join(", ", byName.keySet()) + ")");
            } else if (compensations.putIfAbsent(compensated(compensation), compensation) != null) {
                problems.add("Step '" + compensated(compensation) + "' of " + userClass.getName()
                        + " has two @Compensate methods (" + compensations.get(compensated(compensation)).getName()
                        + " and " + compensation.getName() + "); keep one");
            } else {
                checkCompensation(step, compensation);
            }
        }
        for (var entry : byName.entrySet()) {
            var method = entry.getValue();
            var annotation = AnnotationUtils.findAnnotation(method, Step.class);
            var compensation = compensations.get(entry.getKey());
            if (annotation.pivot() && compensation != null) {
                problems.add("@Step method " + where(method) + " is a pivot (the point of no return) but "
                        + where(compensation) + " compensates it; a pivot cannot be undone, remove one of the two");
                compensation = null;
            }
            if (annotation.compensation() == Step.Compensation.REQUIRED && compensation == null && !annotation.pivot()) {
                problems.add("@Step method " + where(method) + " has no compensation: add a method annotated"
                        + " @Compensate(\"" + entry.getKey() + "\") to " + userClass.getSimpleName()
                        + ", or declare @Step(compensation = Compensation.NONE) if it has nothing to undo"
                        + " (a retriable step), or @Step(pivot = true) if it is the point of no return");
            }
            if (annotation.compensation() == Step.Compensation.NONE && compensation != null) {
                problems.add("@Step method " + where(method) + " declares compensation = NONE but "
                        + where(compensation) + " compensates it; remove one of the two");
                compensation = null;
            }
            steps.add(new StepDefinition(beanName + "." + entry.getKey(), entry.getKey(), beanName, userClass, method,
                    annotation,
                    compensation, transactionOf(method, userClass),
                    compensation == null ? null : transactionOf(compensation, userClass)));
        }
        return proxiable;
    }

    private void checkCompensation(Method step, Method compensation) {
        int modifiers = compensation.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers)) {
            problems.add("@Compensate method " + where(compensation) + " is " + (Modifier.isStatic(modifiers)
                    ? "static" : "private") + "; make it a non-private instance method");
        }
        var stepTypes = step.getParameterTypes();
        var types = compensation.getParameterTypes();
        boolean fits = types.length == stepTypes.length || types.length == stepTypes.length + 1;
        for (int i = 0; fits && i < stepTypes.length; i++) {
            fits = ClassUtils.isAssignable(types[i], stepTypes[i]);
        }
        if (fits && types.length == stepTypes.length + 1) {
            fits = step.getReturnType() != void.class && ClassUtils.isAssignable(types[stepTypes.length], step.getReturnType());
        }
        if (!fits) {
            problems.add("@Compensate method " + where(compensation) + " takes (" + typeNames(types)
                    + ") but must take the parameters of step " + where(step) + " (" + typeNames(stepTypes) + ")"
                    + (step.getReturnType() == void.class ? "" : ", optionally followed by its result ("
                            + step.getReturnType().getSimpleName() + ")"));
        }
    }

    private TransactionDefinition transactionOf(Method method, Class<?> userClass) {
        TransactionAttribute attribute = transactionAttributes.getTransactionAttribute(method, userClass);
        if (attribute == null) {
            return null;
        }
        return switch (attribute.getPropagationBehavior()) {
            case TransactionDefinition.PROPAGATION_REQUIRED, TransactionDefinition.PROPAGATION_SUPPORTS,
                    TransactionDefinition.PROPAGATION_MANDATORY, TransactionDefinition.PROPAGATION_NESTED -> {
                var definition = new DefaultTransactionAttribute(attribute);
                definition.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
                definition.setReadOnly(false); // the ledger record is written in this transaction too
                yield definition;
            }
            default -> null;
        };
    }

    private static List<Method> stepMethods(Class<?> userClass) {
        return annotated(userClass, Step.class);
    }

    private static List<Method> compensateMethods(Class<?> userClass) {
        return annotated(userClass, Compensate.class);
    }

    private static List<Method> annotated(Class<?> userClass, Class<? extends java.lang.annotation.Annotation> type) {
        var found = new ArrayList<Method>();
        ReflectionUtils.doWithMethods(userClass, found::add,
                m -> !m.isBridge() && !m.isSynthetic() && AnnotationUtils.findAnnotation(m, type) != null);
        // the same method may be seen on a class and an interface; keep the most specific one
        Map<String, Method> unique = new LinkedHashMap<>();
        found.forEach(m -> unique.putIfAbsent(m.getName() + Arrays.toString(m.getParameterTypes()), m));
        return List.copyOf(unique.values());
    }

    private static String stepName(Method method) {
        var name = AnnotationUtils.findAnnotation(method, Step.class).value();
        return name.isBlank() ? method.getName() : name;
    }

    private static String compensated(Method method) {
        return AnnotationUtils.findAnnotation(method, Compensate.class).value();
    }

    private static String where(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "(" + typeNames(method.getParameterTypes()) + ")";
    }

    private static String typeNames(Class<?>[] types) {
        return Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", "));
    }
}
