package dev.saga.autoconfigure;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Every key under {@code saga.*}, read from the properties records themselves (so a new setting is
 * known without a list to keep), with {@code *} for a map key: {@code saga.sagas.*.retry.delay}.
 * Finds the known key nearest to a misspelt one.
 */
final class SagaPropertyKeys {

    private static final String WILDCARD = "*";
    private static final List<List<String>> KNOWN = known();

    private SagaPropertyKeys() {
    }

    static List<String> all() {
        return KNOWN.stream().map(key -> String.join(".", key)).toList();
    }

    /**
     * The known key nearest to the given one, with the given key's own map keys in place of the
     * wildcards; empty when none is near enough to be what was meant.
     */
    static Optional<String> nearest(ConfigurationPropertyName unknown) {
        var given = new ArrayList<String>();
        for (int i = 0; i < unknown.getNumberOfElements(); i++) {
            given.add(bracketed(unknown.getElement(i, ConfigurationPropertyName.Form.DASHED)));
        }
        var written = String.join(".", given);
        return KNOWN.stream().map(key -> filledIn(key, given))
                .map(candidate -> Map.entry(candidate, distance(written, candidate)))
                .filter(scored -> scored.getValue() <= Math.max(2, leaf(scored.getKey()).length() / 3))
                .min(Comparator.comparingInt(Map.Entry::getValue)).map(Map.Entry::getKey);
    }

    private static String filledIn(List<String> key, List<String> given) {
        var filled = new ArrayList<String>(key.size());
        for (int i = 0; i < key.size(); i++) {
            boolean wildcard = key.get(i).equals(WILDCARD);
            filled.add(wildcard && i < given.size() ? given.get(i) : key.get(i));
        }
        return String.join(".", filled);
    }

    /** A map key with a dot in it stays one element: {@code [shipping.charge]}. */
    private static String bracketed(String mapKey) {
        return mapKey.contains(".") ? "[" + mapKey + "]" : mapKey;
    }

    private static String leaf(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    private static List<List<String>> known() {
        var keys = new ArrayList<List<String>>();
        collect(SagaProperties.class, List.of("saga"), keys);
        return List.copyOf(keys);
    }

    private static void collect(Class<?> record, List<String> prefix, List<List<String>> keys) {
        for (var component : record.getRecordComponents()) {
            var key = new ArrayList<>(prefix);
            key.add(DataObjectPropertyName.toDashedForm(component.getName()));
            collect(component.getGenericType(), key, keys);
        }
    }

    private static void collect(Type type, List<String> key, List<List<String>> keys) {
        if (type instanceof Class<?> plain && plain.isRecord()) {
            collect(plain, key, keys);
        } else if (type instanceof ParameterizedType map && map.getRawType() == Map.class) {
            var entry = new ArrayList<>(key);
            entry.add(WILDCARD);
            collect(map.getActualTypeArguments()[1], entry, keys);
        } else {
            keys.add(List.copyOf(key));
        }
    }

    /** Levenshtein's edit distance: insertions, deletions and substitutions of one character. */
    static int distance(String a, String b) {
        var previous = new int[b.length() + 1];
        var current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            var swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
