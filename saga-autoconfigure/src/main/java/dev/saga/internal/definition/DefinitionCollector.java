package dev.saga.internal.definition;

import static dev.saga.internal.definition.AnnotatedMethods.compensated;
import static dev.saga.internal.definition.AnnotatedMethods.where;

import java.util.ArrayList;
import java.util.List;

import org.springframework.core.annotation.AnnotatedElementUtils;

import dev.saga.Saga;

/**
 * Inspects beans as they are created, keeps the saga and step definitions it finds and every
 * problem with them, so that startup can report all problems in one message. The rules live with
 * what they check: {@link SagaInspector} for {@code @Saga} classes, {@link StepInspector} (with
 * {@link CompensationSignature}) for {@code @Step} and {@code @Compensate} methods.
 */
public final class DefinitionCollector {

    private final StepInspector stepInspector = new StepInspector();
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
            SagaInspector.inspect(beanName, userClass, saga, problems::add).ifPresent(sagas::add);
        }
        var stepMethods = AnnotatedMethods.steps(userClass);
        if (stepMethods.isEmpty()) {
            AnnotatedMethods.compensations(userClass).forEach(m -> problems.add("@Compensate method " + where(m)
                    + " names step '" + compensated(m) + "' but " + userClass.getName() + " declares no @Step method"));
            return false;
        }
        if (saga != null) {
            stepMethods.forEach(m -> problems.add("@Step method " + where(m) + " is declared on @Saga bean '"
                    + beanName + "': the saga would call it on itself, bypassing the proxy, and it would not be"
                    + " durable. Move the step to another bean and inject that bean into the saga"));
            return false;
        }
        var found = stepInspector.inspect(beanName, userClass, stepMethods, problems::add);
        steps.addAll(found.steps());
        return found.proxiable();
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
        return AnnotatedElementUtils.hasAnnotation(userClass, Saga.class)
                || !AnnotatedMethods.steps(userClass).isEmpty() || !AnnotatedMethods.compensations(userClass).isEmpty();
    }

    /** Every problem found so far. */
    public synchronized List<String> problems() {
        var all = new ArrayList<>(problems);
        all.addAll(SagaInspector.declaredTwice(sagas));
        return all;
    }

    public synchronized List<SagaDefinition> sagas() {
        return List.copyOf(sagas);
    }

    public synchronized List<StepDefinition> steps() {
        return List.copyOf(steps);
    }
}
