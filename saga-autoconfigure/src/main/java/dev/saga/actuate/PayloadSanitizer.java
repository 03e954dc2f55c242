package dev.saga.actuate;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Sanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

import dev.saga.SagaPage;
import dev.saga.SagaStepView;
import dev.saga.SagaView;

/**
 * Masks what the business put into sagas (inputs, outputs, step arguments and results, which
 * include signal payloads) with {@value SanitizableData#SANITIZED_VALUE} unless values are shown.
 * Errors stay visible because an operator needs them to decide between retry and cancel; the
 * application's {@link SanitizingFunction}s still apply to them, and to every value shown, under
 * the key of the field ({@code input}, {@code output}, {@code arguments}, {@code result},
 * {@code error}).
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

    /** {@code null} stays {@code null}: "no output yet" is not a secret. */
    private @Nullable String sanitize(String key, @Nullable String value, boolean showValues) {
        var sanitized = this.sanitizer.sanitize(new SanitizableData(null, key, value), showValues);
        return sanitized == null ? null : sanitized.toString();
    }
}
