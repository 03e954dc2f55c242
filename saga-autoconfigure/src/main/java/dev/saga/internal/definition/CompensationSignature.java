package dev.saga.internal.definition;

import static dev.saga.internal.definition.AnnotatedMethods.typeNames;
import static dev.saga.internal.definition.AnnotatedMethods.where;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Consumer;

import org.springframework.util.ClassUtils;

/**
 * Whether a {@code @Compensate} method can be called with what the ledger keeps of its step: it is
 * a non-private instance method and takes the step's parameters, optionally followed by its result.
 */
final class CompensationSignature {

    private CompensationSignature() {
    }

    static void check(Method step, Method compensation, Consumer<String> problems) {
        int modifiers = compensation.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers)) {
            problems.accept("@Compensate method " + where(compensation) + " is " + (Modifier.isStatic(modifiers)
                    ? "static" : "private") + "; make it a non-private instance method");
        }
        if (!fits(step, compensation)) {
            var stepTypes = step.getParameterTypes();
            problems.accept("@Compensate method " + where(compensation) + " takes ("
                    + typeNames(compensation.getParameterTypes())
                    + ") but must take the parameters of step " + where(step) + " (" + typeNames(stepTypes) + ")"
                    + (step.getReturnType() == void.class ? "" : ", optionally followed by its result ("
                            + step.getReturnType().getSimpleName() + ")"));
        }
    }

    private static boolean fits(Method step, Method compensation) {
        var stepTypes = step.getParameterTypes();
        var types = compensation.getParameterTypes();
        boolean fits = types.length == stepTypes.length || types.length == stepTypes.length + 1;
        for (int i = 0; fits && i < stepTypes.length; i++) {
            fits = ClassUtils.isAssignable(types[i], stepTypes[i]);
        }
        if (fits && types.length == stepTypes.length + 1) {
            fits = step.getReturnType() != void.class
                    && ClassUtils.isAssignable(types[stepTypes.length], step.getReturnType());
        }
        return fits;
    }
}
