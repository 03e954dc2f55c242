package dev.saga.internal.codec;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

import dev.saga.SagaPayloadException;

/**
 * Turns saga inputs, step arguments and results into JSON for the ledger and back, with the
 * application's Jackson mapper so that its modules and settings apply. Payloads are refused when
 * they are written, never later on replay: when they cannot be written as JSON, when they cannot
 * be read back as the type that will read them, when they are larger than the limit, or when they
 * contain the character U+0000, which is valid JSON but which PostgreSQL's {@code jsonb} refuses.
 * Every refusal is the public {@link SagaPayloadException} itself, so the type a user catches and
 * the type a ledger error names is never one of the engine's internal classes.
 */
public final class PayloadCodec {

    /** The property that sets {@link #maxPayloadBytes()}, named in the messages. */
    public static final String LIMIT_PROPERTY = "saga.max-payload-size";

    private final ObjectMapper mapper;
    /** Reads trees whose decimals keep every digit: a tree holds them as doubles by default. */
    private final ObjectReader exactTrees;
    private final long maxPayloadBytes;

    /** A codec without a size limit. */
    public PayloadCodec(ObjectMapper mapper) {
        this(mapper, Long.MAX_VALUE);
    }

    /**
     * @param maxPayloadBytes the largest payload, in bytes of UTF-8 JSON, that {@link #write} accepts
     */
    public PayloadCodec(ObjectMapper mapper, long maxPayloadBytes) {
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException(LIMIT_PROPERTY + " must be positive: " + maxPayloadBytes + " bytes");
        }
        this.mapper = mapper;
        this.exactTrees = mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.maxPayloadBytes = maxPayloadBytes;
    }

    long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** JSON for the value, refused when over the size limit; {@code null} stays {@code null}. */
    public @Nullable String write(@Nullable Object value, String what) {
        return checkSize(writeRecord(value, what), what);
    }

    /**
     * JSON for the value that is also checked to read back as {@code readAs}, the type the engine
     * will read it as later, and refused when over the size limit.
     */
    public @Nullable String write(@Nullable Object value, Type readAs, String what) {
        var json = write(value, what);
        if (json != null) {
            Object readBack;
            try {
                readBack = mapper.readValue(json, mapper.constructType(readAs));
            } catch (JacksonException e) {
                throw unreadable(what, value, readAs, e);
            }
            var lost = RoundTrip.firstDifference(value, readBack);
            if (lost != null) {
                throw lossy(what, "", value, lost);
            }
        }
        return json;
    }

    /**
     * JSON for one of the engine's own records (such as a step's attempt log), which the payload
     * limit does not apply to; {@code null} stays {@code null}.
     */
    public @Nullable String writeRecord(@Nullable Object value, String what) {
        if (value == null) {
            return null;
        }
        String json;
        try {
            json = mapper.writeValueAsString(value);
        } catch (StreamConstraintsException e) {
            // Jackson has no cycle check of its own: a value that refers back to itself nests without end
            throw new SagaPayloadException("Cannot store " + what + ": a " + value.getClass().getName()
                    + " nests deeper than " + mapper.tokenStreamFactory().streamWriteConstraints().getMaxNestingDepth()
                    + " levels as JSON. Most likely it refers back to itself (a cycle, such as a bidirectional JPA"
                    + " association): pass an id or a flat record instead, or leave the back reference out with"
                    + " @JsonIgnore", e);
        } catch (JacksonException e) {
            throw new SagaPayloadException("Cannot store " + what + ": a " + value.getClass().getName()
                    + " cannot be written as JSON: " + e.getOriginalMessage()
                    + ". Make it serialisable by the application's Jackson mapper", e);
        }
        if (containsNul(json)) {
            throw new SagaPayloadException("Cannot store " + what + ": it contains the character U+0000, which"
                    + " PostgreSQL cannot store in jsonb; remove or replace it, and pass binary data encoded"
                    + " (as Base64, for example)");
        }
        return json;
    }

    /**
     * Whether the JSON text holds a U+0000: as Jackson writes it, the escape of a backslash, a
     * {@code u} and four zeros, or raw (from a raw value). An escape counts only where its
     * backslash is not escaped itself: two backslashes and {@code u0000} are a backslash followed
     * by the text {@code u0000}, which PostgreSQL stores.
     */
    private static boolean containsNul(String json) {
        if (json.indexOf('\0') >= 0) {
            return true;
        }
        for (int at = json.indexOf("\\u0000"); at >= 0; at = json.indexOf("\\u0000", at + 1)) {
            int backslashes = 0;
            while (at - backslashes - 1 >= 0 && json.charAt(at - backslashes - 1) == '\\') {
                backslashes++;
            }
            if (backslashes % 2 == 0) {
                return true;
            }
        }
        return false;
    }

    /** The value of the declared type read from JSON; {@code null} stays {@code null}. */
    public @Nullable Object read(@Nullable String json, Type type, String what) {
        if (json == null || type == void.class || type == Void.class) {
            return null;
        }
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new SagaPayloadException("Cannot read " + what + " as " + type.getTypeName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** One field of a JSON object, read as the given type; null when absent or null. */
    public @Nullable Object readField(String json, String field, Type type, String what) {
        try {
            JsonNode node = tree(json).get(field);
            return node == null || node.isNull() ? null : mapper.treeToValue(node, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new SagaPayloadException("Cannot read " + what + " as " + type.getTypeName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A JSON array of the arguments. */
    public String writeArguments(@Nullable Object @Nullable [] arguments, String what) {
        var all = arguments == null ? new Object[0] : arguments;
        try {
            return write(all, what);
        } catch (SagaPayloadException e) {
            for (int i = 0; i < all.length; i++) { // name the argument that cannot be written
                try {
                    writeRecord(all[i], what);
                } catch (SagaPayloadException culprit) {
                    var message = culprit.getMessage().replace("Cannot store " + what + ":",
                            "Cannot store " + what + ": argument " + (i + 1) + " of " + all.length + ",");
                    throw new SagaPayloadException(message, culprit.getCause());
                }
            }
            throw e;
        }
    }

    /** A JSON array of the arguments, checked to read back as the parameter types. */
    public String writeArguments(@Nullable Object @Nullable [] arguments, Type[] types, String what) {
        var json = writeArguments(arguments, what);
        @Nullable Object[] readBack;
        try {
            readBack = readArguments(json, types, what);
        } catch (SagaPayloadException e) {
            throw new SagaPayloadException("Cannot store " + what + ": they can be written as JSON but not read back"
                    + " as their parameter types, as a compensation or a replay would have to: " + e.getMessage()
                    + ". Give the types a constructor or factory Jackson can use", e);
        }
        var written = arguments == null ? new Object[0] : arguments;
        for (int i = 0; i < written.length; i++) {
            var lost = RoundTrip.firstDifference(written[i], readBack[i]);
            if (lost != null) {
                throw lossy(what, " argument " + (i + 1) + " of " + written.length + ",", written[i], lost);
            }
        }
        return json;
    }

    /** The arguments, each read as its declared parameter type. */
    public @Nullable Object[] readArguments(@Nullable String json, Type[] types, String what) {
        try {
            JsonNode array = tree(json == null ? "[]" : json);
            if (array.size() != types.length) {
                throw new SagaPayloadException("Cannot read " + what + ": " + array.size() + " recorded arguments but "
                        + types.length + " parameters");
            }
            var values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                values[i] = mapper.treeToValue(array.get(i), mapper.constructType(types[i]));
            }
            return values;
        } catch (JacksonException e) {
            throw new SagaPayloadException("Cannot read " + what + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The elements of a recorded JSON array (a step's arguments), each as JSON text; none for {@code null}. */
    public List<String> elements(@Nullable String jsonArray) {
        if (jsonArray == null) {
            return List.of();
        }
        var elements = new ArrayList<String>();
        tree(jsonArray).forEach(element -> elements.add(mapper.writeValueAsString(element)));
        return elements;
    }

    /**
     * Why recorded JSON would not read back as the type today's code reads it with, or
     * {@code null} when it does: Jackson refuses it, or a field the JSON holds does not come back
     * when the value read is written again (a field renamed or removed, or another type that
     * ignores it). For a replay check; the engine itself reads without asking.
     */
    public @Nullable String unreadable(String json, Type type) {
        Object value;
        try {
            value = mapper.readValue(json, mapper.constructType(type));
        } catch (JacksonException e) {
            return e.getOriginalMessage();
        }
        JsonNode again;
        try {
            again = mapper.valueToTree(value);
        } catch (JacksonException e) {
            return null; // read, but not written again: nothing to compare
        }
        var lost = firstLostField(tree(json), again, "");
        return lost == null ? null : "recorded field '" + lost + "' is not read by " + type.getTypeName();
    }

    /** The path of the first field of {@code recorded} with a value that {@code again} lacks, or null. */
    private static @Nullable String firstLostField(JsonNode recorded, JsonNode again, String path) {
        if (recorded.isObject() && again.isObject()) {
            for (var field : recorded.properties()) {
                if (field.getValue().isNull()) {
                    continue;
                }
                var name = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                var value = again.get(field.getKey());
                if (value == null || value.isNull()) {
                    return name;
                }
                var lost = firstLostField(field.getValue(), value, name);
                if (lost != null) {
                    return lost;
                }
            }
        } else if (recorded.isArray() && again.isArray() && recorded.size() == again.size()) {
            for (int i = 0; i < recorded.size(); i++) {
                var lost = firstLostField(recorded.get(i), again.get(i), path + "[" + i + "]");
                if (lost != null) {
                    return lost;
                }
            }
        }
        return null; // values, and shapes a custom serialiser decides, are taken as read
    }

    /** The JSON as a tree in which a {@code BigDecimal} of 19.80 stays 19.80, not 19.8. */
    private JsonNode tree(String json) {
        return exactTrees.readTree(json);
    }

    private @Nullable String checkSize(@Nullable String json, String what) {
        if (json == null || json.length() <= maxPayloadBytes / 3) {
            return json; // a char is at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 chars)
        }
        long bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxPayloadBytes) {
            throw new SagaPayloadException("Cannot store " + what + ": it is " + bytes + " bytes of JSON, over the"
                    + " limit of " + maxPayloadBytes + " bytes (" + LIMIT_PROPERTY + "). Keep large data outside the"
                    + " saga and pass a reference to it, or raise " + LIMIT_PROPERTY);
        }
        return json;
    }

    /** {@code argument}: which argument, as " argument 2 of 3,", or empty. */
    private static SagaPayloadException lossy(String what, String argument, @Nullable Object value, String lost) {
        return new SagaPayloadException("Cannot store " + what + ":" + argument + " a "
                + (value == null ? "null" : value.getClass().getName()) + " does not read back from JSON as it was"
                + " written, so the engine would read back less than it was given (on replay, in a compensation,"
                + " as a result): " + lost
                + ". Jackson writes a field through a getter (or @JsonProperty) and reads it back through a"
                + " constructor parameter or a setter of the same name: make the type a record, or give the field"
                + " both; mark a field that need not be stored transient or @JsonIgnore");
    }

    private static SagaPayloadException unreadable(String what, Object value, Type readAs, JacksonException e) {
        return new SagaPayloadException("Cannot store " + what + ": a " + value.getClass().getName() + " can be written"
                + " as JSON but not read back as " + readAs.getTypeName() + ", as the saga would have to: "
                + e.getOriginalMessage() + ". Give the type a constructor or factory Jackson can use", e);
    }
}
