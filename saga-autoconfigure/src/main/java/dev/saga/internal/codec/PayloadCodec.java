package dev.saga.internal.codec;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Turns saga inputs, step arguments and results into JSON for the ledger and back, with the
 * application's Jackson mapper so that its modules and settings apply.
 */
public final class PayloadCodec {

    private final ObjectMapper mapper;

    public PayloadCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** JSON for the value; {@code null} stays {@code null}. */
    public String write(Object value, String what) {
        if (value == null) {
            return null;
        }
        try {
            return mapper.writeValueAsString(value);
        } catch (JacksonException e) {
            throw new PayloadException("Cannot store " + what + " of type " + value.getClass().getName()
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The value of the declared type read from JSON; {@code null} stays {@code null}. */
    public Object read(String json, Type type, String what) {
        if (json == null || type == void.class || type == Void.class) {
            return null;
        }
        try {
            return mapper.readValue(json, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new PayloadException("Cannot read " + what + " as " + type.getTypeName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** One field of a JSON object, read as the given type; null when absent or null. */
    public Object readField(String json, String field, Type type, String what) {
        try {
            JsonNode node = mapper.readTree(json).get(field);
            return node == null || node.isNull() ? null : mapper.treeToValue(node, mapper.constructType(type));
        } catch (JacksonException e) {
            throw new PayloadException("Cannot read " + what + " as " + type.getTypeName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** A JSON array of the arguments. */
    public String writeArguments(Object[] arguments, String what) {
        return write(arguments == null ? new Object[0] : arguments, what);
    }

    /** The arguments, each read as its declared parameter type. */
    public Object[] readArguments(String json, Type[] types, String what) {
        try {
            JsonNode array = mapper.readTree(json == null ? "[]" : json);
            if (array.size() != types.length) {
                throw new PayloadException("Cannot read " + what + ": " + array.size() + " recorded arguments but "
                        + types.length + " parameters");
            }
            var values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                values[i] = mapper.treeToValue(array.get(i), mapper.constructType(types[i]));
            }
            return values;
        } catch (JacksonException e) {
            throw new PayloadException("Cannot read " + what + ": " + e.getOriginalMessage(), e);
        }
    }
}
