package dev.saga.internal.ledger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.saga.SagaStatus;

/**
 * A saga's history as a versioned JSON document, written for a file (a test resource, a bug
 * report) and read back to replay it. Fields come in a fixed order, a field without a value is
 * left out, payloads (input, output, arguments, results) are embedded as JSON, decimals keep every
 * digit, and times are ISO-8601 instants; exporting the same history twice gives the same text.
 *
 * <pre>{@code
 * {
 *   "format" : "saga-history",
 *   "formatVersion" : 1,
 *   "id" : "0b7c6a52-5d1e-4a8e-9f3e-2c4b1a7d9e10",
 *   "name" : "order", "version" : 1, "run" : 1, "status" : "COMPLETED",
 *   "input" : { "id" : "o-1", "amount" : 5 },
 *   "entries" : [ {
 *     "seq" : 0, "kind" : "STEP", "name" : "shop.charge", "status" : "COMPLETED",
 *     "arguments" : [ { "id" : "o-1", "amount" : 5 } ], "result" : { "id" : "pay-o-1" },
 *     "attemptCount" : 1, "startedAt" : "2026-03-02T10:15:00.18Z", "finishedAt" : "2026-03-02T10:15:00.392Z"
 *   } ]
 * }
 * }</pre>
 *
 * Entry statuses are named as the public views name them: an open signal wait or sleep is
 * {@code WAITING} (the ledger's {@code RETRYING}).
 */
public final class HistoryDocument {

    /** The value of the {@code format} field. */
    public static final String FORMAT = "saga-history";

    /** The version of the layout written; documents of this version and older are read. */
    public static final int FORMAT_VERSION = 1;

    private static final String WAITING = "WAITING";

    /** The engine's own mapper, not the application's: the layout must not depend on its settings. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    private HistoryDocument() {
    }

    /** The history as a pretty-printed document. */
    public static String write(SagaHistory history) {
        var document = JSON.createObjectNode();
        document.put("format", FORMAT);
        document.put("formatVersion", FORMAT_VERSION);
        document.put("id", history.sagaId().toString());
        document.put("name", history.name());
        document.put("version", history.version());
        putIfPresent(document, "businessKey", history.businessKey());
        document.put("run", history.run());
        document.put("status", history.status().name());
        embed(document, "input", history.input());
        embed(document, "output", history.output());
        putIfPresent(document, "error", history.error());
        var entries = document.putArray("entries");
        history.entries().forEach(row -> entries.add(entry(row)));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
    }

    private static ObjectNode entry(StepRecord row) {
        var entry = JSON.createObjectNode();
        entry.put("seq", row.seq());
        entry.put("kind", row.kind().name());
        entry.put("name", row.name());
        entry.put("status", row.status().viewName(row.kind()));
        if (row.compensates() != null) {
            entry.put("compensates", row.compensates());
        }
        embed(entry, "arguments", row.args());
        embed(entry, "result", row.result());
        putIfPresent(entry, "error", row.error());
        entry.put("attemptCount", row.attemptCount());
        entry.put("startedAt", row.startedAt().toString());
        putIfPresent(entry, "finishedAt", row.finishedAt() == null ? null : row.finishedAt().toString());
        putIfPresent(entry, "dueAt", row.nextAttemptAt() == null ? null : row.nextAttemptAt().toString());
        return entry;
    }

    /**
     * The history a document holds. Its rows have no attempt log: the document keeps only the
     * number of attempts, which a replay does not need.
     *
     * @throws IllegalArgumentException when the text is not a saga history of a format version
     *     this engine reads; the message says what is wrong, {@code source} names the document
     */
    public static SagaHistory read(String source, String json) {
        JsonNode document;
        try {
            document = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (document == null || !document.isObject() || !FORMAT.equals(document.path("format").asString(null))) {
            throw new IllegalArgumentException(source + " is not a saga history: it has no \"format\": \"" + FORMAT
                    + "\" (export one with SagaOperations.exportHistory or GET /actuator/sagas/{id}/history)");
        }
        int version = document.path("formatVersion").asInt(0);
        if (version < 1 || version > FORMAT_VERSION) {
            throw new IllegalArgumentException(source + " has format version " + document.path("formatVersion")
                    + " but this engine reads versions 1 to " + FORMAT_VERSION);
        }
        try {
            var sagaId = UUID.fromString(text(document, "id"));
            var entries = new ArrayList<StepRecord>();
            for (JsonNode entry : document.path("entries")) {
                entries.add(row(sagaId, entry));
            }
            return new SagaHistory(sagaId, text(document, "name"), number(document, "version"),
                    optionalText(document, "businessKey"), number(document, "run"),
                    SagaStatus.valueOf(text(document, "status")), payload(document, "input"),
                    payload(document, "output"), optionalText(document, "error"), entries);
        } catch (IllegalArgumentException | DateTimeParseException e) { // a bad id, enum or instant
            throw new IllegalArgumentException(source + " is not a valid saga history: " + e.getMessage(), e);
        }
    }

    private static StepRecord row(UUID sagaId, JsonNode entry) {
        var kind = StepKind.valueOf(text(entry, "kind"));
        var status = text(entry, "status");
        var compensates = entry.get("compensates");
        return new StepRecord(sagaId, number(entry, "seq"), kind, text(entry, "name"),
                WAITING.equals(status) ? StepStatus.RETRYING : StepStatus.valueOf(status),
                compensates == null || compensates.isNull() ? null : compensates.asInt(), payload(entry, "arguments"),
                payload(entry, "result"), optionalText(entry, "error"), List.of(),
                Instant.parse(text(entry, "startedAt")), instant(entry, "finishedAt"), instant(entry, "dueAt"), false);
    }

    /** Embedded as JSON; a value that is not JSON (never written by the engine) is kept as text. */
    private static void embed(ObjectNode node, String field, @Nullable String json) {
        if (json == null) {
            return;
        }
        try {
            node.set(field, JSON.readTree(json));
        } catch (JacksonException notJson) {
            node.put(field, json);
        }
    }

    private static @Nullable String payload(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() ? null : JSON.writeValueAsString(value);
    }

    private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        var value = optionalText(node, field);
        if (value == null) {
            throw new IllegalArgumentException("\"" + field + "\" is missing" + at(node));
        }
        return value;
    }

    private static @Nullable String optionalText(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static int number(JsonNode node, String field) {
        var value = node.get(field);
        if (value == null || !value.isIntegralNumber()) {
            throw new IllegalArgumentException("\"" + field + "\" is missing or not a whole number" + at(node));
        }
        return value.asInt();
    }

    private static @Nullable Instant instant(JsonNode node, String field) {
        var value = optionalText(node, field);
        return value == null ? null : Instant.parse(value);
    }

    private static String at(JsonNode node) {
        var seq = node.get("seq");
        return seq == null ? "" : " in entry " + seq;
    }
}
