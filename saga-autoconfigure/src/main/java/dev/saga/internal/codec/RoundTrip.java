package dev.saga.internal.codec;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.OffsetDateTime;
import java.time.chrono.ChronoZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Compares a value with what Jackson read back from the JSON written for it, and names the first
 * place where they differ: a field Jackson did not write (no getter, no annotation) or could not
 * read back (no constructor parameter or setter for it) comes back empty, and the saga would go
 * on with less than it was given. What the types decide to leave out is not a difference:
 * {@code transient} and {@link JsonIgnore} fields and {@link JsonIgnoreProperties} names.
 *
 * <p>Records are compared component by component, other classes that define {@code equals} by
 * it, other classes of the application field by field, and the JDK's own types (strings, numbers,
 * times, collections, maps) by value; a zoned or offset date-time by its instant, which is what
 * Jackson keeps of it by default. A value read back as another class than it was written as
 * (an interface, a proxy, {@code Object}) is taken as it is: it cannot be compared field by field.
 */
final class RoundTrip {

    /** Deep enough for any payload a saga should carry; a cycle is refused before this runs. */
    private static final int MAX_DEPTH = 64;

    private static final ClassValue<List<Field>> COMPARED_FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            return comparedFields(type);
        }
    };

    /** A record's accessors, less those of components it leaves out of JSON; null where one cannot be called. */
    private static final ClassValue<@Nullable List<Method>> COMPARED_ACCESSORS = new ClassValue<>() {
        @Override
        protected @Nullable List<Method> computeValue(Class<?> type) {
            var accessors = new ArrayList<Method>();
            for (RecordComponent component : type.getRecordComponents()) {
                if (!component.isAnnotationPresent(JsonIgnore.class)) {
                    try {
                        var accessor = component.getAccessor();
                        accessor.setAccessible(true);
                        accessors.add(accessor);
                    } catch (RuntimeException inaccessible) {
                        return null;
                    }
                }
            }
            return List.copyOf(accessors);
        }
    };

    private static final ClassValue<Boolean> DEFINES_EQUALS = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
            } catch (NoSuchMethodException e) {
                return false;
            }
        }
    };

    private RoundTrip() {
    }

    /**
     * Where the value read back differs from the value written, as "field 'lines[2].price' (of
     * com.acme.Line) reads back as null (written as a value)", or {@code null} when it does not.
     */
    static @Nullable String firstDifference(@Nullable Object written, @Nullable Object readBack) {
        return difference("", null, written, readBack, 0);
    }

    /** {@code owner}: the class whose field {@code path} ends with, or null at the top or an element. */
    private static @Nullable String difference(String path, @Nullable Class<?> owner, @Nullable Object written,
            @Nullable Object readBack, int depth) {
        if (written == readBack || depth > MAX_DEPTH) {
            return null;
        }
        if (written == null || readBack == null) {
            return differs(path, owner, written, readBack);
        }
        var type = written.getClass();
        if (written instanceof Optional<?> optional && readBack instanceof Optional<?> back) {
            return difference(path, owner, optional.orElse(null), back.orElse(null), depth + 1);
        }
        if (written instanceof List<?> list && readBack instanceof List<?> back) {
            return elements(path, list, back, depth);
        }
        if (written instanceof Set<?> set && readBack instanceof Collection<?> back) {
            return set.size() == back.size() ? null
                    : differs(path, owner, new Count(set.size(), "elements"), new Count(back.size(), "elements"));
        }
        if (written instanceof Map<?, ?> map && readBack instanceof Map<?, ?> back) {
            return entries(path, map, back, depth);
        }
        if (type.isArray() && readBack.getClass().isArray()) {
            return arrayElements(path, written, readBack, depth);
        }
        if (written instanceof ChronoZonedDateTime<?> zoned && readBack instanceof ChronoZonedDateTime<?> back) {
            // Jackson writes the offset, not the zone id, and reads it back in UTC by default: the same instant
            return zoned.isEqual(back) ? null : differs(path, owner, written, readBack);
        }
        if (written instanceof OffsetDateTime offset && readBack instanceof OffsetDateTime back) {
            return offset.isEqual(back) ? null : differs(path, owner, written, readBack);
        }
        if (type != readBack.getClass()) {
            return null; // read as another type (an interface, Object, a proxy): nothing to compare it with
        }
        if (type.isRecord()) {
            return components(path, written, readBack, depth);
        }
        if (type.isEnum() || jdk(type) || DEFINES_EQUALS.get(type)) {
            return written.equals(readBack) ? null : differs(path, owner, written, readBack);
        }
        return fields(path, written, readBack, depth);
    }

    private static @Nullable String elements(String path, List<?> written, List<?> readBack, int depth) {
        if (written.size() != readBack.size()) {
            return differs(path, null, new Count(written.size(), "elements"), new Count(readBack.size(), "elements"));
        }
        Iterator<?> back = readBack.iterator();
        int index = 0;
        for (var element : written) {
            var found = difference(path + "[" + index++ + "]", null, element, back.next(), depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static @Nullable String entries(String path, Map<?, ?> written, Map<?, ?> readBack, int depth) {
        if (written.size() != readBack.size()) {
            return differs(path, null, new Count(written.size(), "entries"), new Count(readBack.size(), "entries"));
        }
        for (var entry : written.entrySet()) {
            var key = entry.getKey();
            if (key == null || !jdk(key.getClass()) || !readBack.containsKey(key)) {
                continue; // a key Jackson wrote as text reads back as itself only for the JDK's types
            }
            var found = difference(path + "[" + key + "]", null, entry.getValue(), readBack.get(key), depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static @Nullable String arrayElements(String path, Object written, Object readBack, int depth) {
        int length = Array.getLength(written);
        if (length != Array.getLength(readBack)) {
            return differs(path, null, new Count(length, "elements"),
                    new Count(Array.getLength(readBack), "elements"));
        }
        for (int i = 0; i < length; i++) {
            var found = difference(path + "[" + i + "]", null, Array.get(written, i), Array.get(readBack, i),
                    depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static @Nullable String components(String path, Object written, Object readBack, int depth) {
        var accessors = COMPARED_ACCESSORS.get(written.getClass());
        if (accessors == null) {
            return null; // an accessor that cannot be called here: nothing to compare
        }
        for (var accessor : accessors) {
            try {
                var found = difference(member(path, accessor.getName()), written.getClass(), accessor.invoke(written),
                        accessor.invoke(readBack), depth + 1);
                if (found != null) {
                    return found;
                }
            } catch (ReflectiveOperationException e) {
                return null;
            }
        }
        return null;
    }

    private static @Nullable String fields(String path, Object written, Object readBack, int depth) {
        for (var field : COMPARED_FIELDS.get(written.getClass())) {
            try {
                var found = difference(member(path, field.getName()), field.getDeclaringClass(), field.get(written),
                        field.get(readBack), depth + 1);
                if (found != null) {
                    return found;
                }
            } catch (IllegalAccessException e) {
                return null;
            }
        }
        return null;
    }

    /** The instance fields the class and its superclasses keep, less those left out on purpose. */
    private static List<Field> comparedFields(Class<?> type) {
        var fields = new ArrayList<Field>();
        for (Class<?> c = type; c != null && c != Object.class && !jdk(c); c = c.getSuperclass()) {
            var ignoredNames = c.getAnnotation(JsonIgnoreProperties.class);
            for (var field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.isSynthetic()
                        || field.isAnnotationPresent(JsonIgnore.class)
                        || ignoredNames != null && List.of(ignoredNames.value()).contains(field.getName())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    fields.add(field);
                } catch (RuntimeException inaccessible) {
                    // a field of a module that is not open to us: it cannot be compared
                }
            }
        }
        return List.copyOf(fields);
    }

    private static boolean jdk(Class<?> type) {
        return type.isPrimitive() || type.getName().startsWith("java.") || type.getName().startsWith("javax.");
    }

    private static String member(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Says where, and how, but shows no value: payloads may hold what must not reach a log. */
    private static String differs(String path, @Nullable Class<?> owner, @Nullable Object written,
            @Nullable Object readBack) {
        var where = path.isEmpty() ? "the value" : owner == null ? "element " + path
                : "field '" + path + "' (of " + owner.getName() + ")";
        if (written instanceof Count count && readBack instanceof Count back) {
            return where + " has " + count + " when written but " + back + " when read back";
        }
        return where + (readBack == null ? " reads back as null" : written == null ? " reads back as a value"
                : " reads back as a different value") + " (written as " + (written == null ? "null" : "a value") + ")";
    }

    /** A size, which a message may show. */
    private record Count(int value, String what) {

        @Override
        public String toString() {
            return value + " " + what;
        }
    }
}
