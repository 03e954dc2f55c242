package dev.saga.actuate;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.saga.SagaPage;
import dev.saga.SagaStepView;
import dev.saga.SagaView;

/**
 * Masks what the business put into sagas (inputs, outputs, step arguments and results, which
 * include signal payloads) with {@value SanitizableData#SANITIZED_VALUE} unless values are shown.
 * Errors stay visible because an operator needs them to decide between retry and cancel; the
 * application's {@link SanitizingFunction}s still apply to them, and to every value shown, under
 * the key of the field ({@code input}, {@code output}, {@code arguments}, {@code result},
 * {@code error}). The same applies to an exported history, whose payloads are embedded JSON.
 */
final class PayloadSanitizer {

    private final Sanitizer sanitizer;

    PayloadSanitizer(Iterable<SanitizingFunction> sanitizingFunctions) {
        this.sanitizer = new Sanitizer(sanitizingFunctions);
    }

    SagaPage page(SagaPage page, boolean showValues) {
        return new SagaPage(page.sagas().stream().map(view -> saga(view, showValues)).toList(), page.page(),
                page.size(), page.total());
    }

    SagaView saga(SagaView view, boolean showValues) {
        return new SagaView(view.id(), view.name(), view.version(), view.businessKey(), view.status(),
                sanitize("input", view.input(), showValues), sanitize("output", view.output(), showValues),
                sanitize("error", view.error(), true), view.run(), view.historySize(), view.deadline(),
                view.createdAt(), view.updatedAt(), view.finishedAt(), view.traceId(), view.progress());
    }

    List<SagaStepView> timeline(List<SagaStepView> timeline, boolean showValues) {
        return timeline.stream().map(step -> step(step, showValues)).toList();
    }

    private SagaStepView step(SagaStepView step, boolean showValues) {
        var attempts = step.attempts().stream().map(attempt -> new SagaStepView.Attempt(attempt.number(),
                attempt.startedAt(), attempt.duration(), sanitize("error", attempt.error(), true))).toList();
        return new SagaStepView(step.seq(), step.kind(), step.name(), step.status(), step.compensates(),
                sanitize("arguments", step.arguments(), showValues), sanitize("result", step.result(), showValues),
                sanitize("error", step.error(), true), attempts, step.startedAt(), step.finishedAt(), step.dueAt());
    }

    /**
     * An exported history ({@code SagaOperations.exportHistory}) with its payloads masked as the
     * views are: the saga's {@code input} and {@code output}, and every entry's {@code arguments}
     * and {@code result}, become {@value SanitizableData#SANITIZED_VALUE} unless shown; errors stay.
     * A document that nothing changes in is returned as it was written, character for character.
     */
    String history(String document, boolean showValues, JsonMapper json) {
        var reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        var tree = (ObjectNode) reader.readTree(document);
        boolean changed = sanitize(tree, "input", true, showValues, json)
                | sanitize(tree, "output", true, showValues, json)
                | sanitize(tree, "error", false, true, json);
        for (JsonNode entry : tree.path("entries")) {
            changed |= sanitize((ObjectNode) entry, "arguments", true, showValues, json)
                    | sanitize((ObjectNode) entry, "result", true, showValues, json)
                    | sanitize((ObjectNode) entry, "error", false, true, json);
        }
        return changed ? json.writerWithDefaultPrettyPrinter().writeValueAsString(tree) : document;
    }

    /** Whether the field's value was replaced; a payload is sanitised as its JSON text. */
    private boolean sanitize(ObjectNode node, String key, boolean payload, boolean showValues, JsonMapper json) {
        var value = node.get(key);
        if (value == null) {
            return false;
        }
        var text = payload ? json.writeValueAsString(value) : value.asString();
        var sanitized = sanitize(key, text, showValues);
        if (text.equals(sanitized)) {
            return false;
        }
        node.put(key, sanitized);
        return true;
    }

    /** {@code null} stays {@code null}: "no output yet" is not a secret. */
    private @Nullable String sanitize(String key, @Nullable String value, boolean showValues) {
        var sanitized = this.sanitizer.sanitize(new SanitizableData(null, key, value), showValues);
        return sanitized == null ? null : sanitized.toString();
    }
}
