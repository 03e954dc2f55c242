package dev.saga.internal.definition;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

import dev.saga.Compensate;
import dev.saga.Step;

/** Finds a class's {@code @Step} and {@code @Compensate} methods and names methods in messages. */
final class AnnotatedMethods {

    private AnnotatedMethods() {
    }

    static List<Method> steps(Class<?> userClass) {
        return annotated(userClass, Step.class);
    }

    static List<Method> compensations(Class<?> userClass) {
        return annotated(userClass, Compensate.class);
    }

    /** The step's own name: the {@code @Step} value, or the method name when that is blank. */
    static String stepName(Method method) {
        var name = AnnotationUtils.findAnnotation(method, Step.class).value();
        return name.isBlank() ? method.getName() : name;
    }

    /** The name of the step a {@code @Compensate} method undoes. */
    static String compensated(Method method) {
        return AnnotationUtils.findAnnotation(method, Compensate.class).value();
    }

    /** The method as messages name it: {@code com.example.Payments.charge(String, int)}. */
    static String where(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName()
                + "(" + typeNames(method.getParameterTypes()) + ")";
    }

    static String typeNames(Class<?>[] types) {
        return Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", "));
    }

    /** The annotated methods, each once: an override or an interface method's implementation hides the other. */
    private static List<Method> annotated(Class<?> userClass, Class<? extends Annotation> type) {
        return List.of(ReflectionUtils.getUniqueDeclaredMethods(userClass,
                m -> !m.isBridge() && !m.isSynthetic() && AnnotationUtils.findAnnotation(m, type) != null));
    }
}
