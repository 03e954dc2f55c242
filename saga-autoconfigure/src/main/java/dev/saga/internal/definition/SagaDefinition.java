package dev.saga.internal.definition;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * A {@code @Saga} bean found at startup.
 *
 * @param name the saga's name
 * @param version the definition's version
 * @param beanName the bean that holds the entry method
 * @param beanClass the bean's user class (not a proxy class)
 * @param entryMethod the method that is the saga
 */
public record SagaDefinition(String name, int version, String beanName, Class<?> beanClass, Method entryMethod) {

    /** Whether the entry method takes the saga's input. */
    public boolean takesInput() {
        return entryMethod.getParameterCount() == 1;
    }

    /** The declared input type, or {@code null} when the saga takes none. */
    public @Nullable Type inputType() {
        return takesInput() ? entryMethod.getGenericParameterTypes()[0] : null;
    }

    /** Where the saga is declared, for messages. */
    public String location() {
        return beanClass.getName() + "." + entryMethod.getName();
    }
}
