package dev.saga.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.SagaBacklog;
import dev.saga.SagaClient;
import dev.saga.SagaDefinitionView;
import dev.saga.SagaOperations;
import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaView;
import dev.saga.SignalResult;

/**
 * The {@code sagas} Actuator endpoint: find sagas, read one's timeline and the definitions, and
 * retry, cancel or signal a saga. It answers with descriptors and throws the client's exceptions
 * ({@link dev.saga.UnknownSagaException}, {@link IllegalStateException} for a conflict,
 * {@link IllegalArgumentException} for bad input); {@link SagaEndpointWebExtension} turns them into
 * HTTP answers. Payloads (inputs, outputs, step arguments and results) are shown only as
 * {@code management.endpoint.sagas.show-values} allows.
 *
 * <pre>
 * GET  /actuator/sagas?name=order&amp;status=FAILED&amp;page=0&amp;size=20
 * GET  /actuator/sagas?condition=STUCK                 (or WAITING, RETRYING)
 * GET  /actuator/sagas?runningLongerThan=2h
 * GET  /actuator/sagas/{id}
 * GET  /actuator/sagas/definitions
 * GET  /actuator/sagas/{id}/history
 * POST /actuator/sagas/{id}/retry
 * POST /actuator/sagas/{id}/cancel   {"reason": "customer called"}
 * POST /actuator/sagas/{id}/signal   {"signal": "item-picked", "payload": "{\"by\": \"Ada\"}"}
 * </pre>
 *
 * The two reads are operations of every technology; the definitions, the history and the actions
 * are reached over HTTP only, through the web extension (like Boot's Quartz endpoint).
 */
@Endpoint(id = "sagas")
public class SagaEndpoint {

    private final SagaClient sagas;
    private final SagaOperations operations;
    private final JsonMapper json;
    private final PayloadSanitizer sanitizer;
    private final Show showValues;

    /**
     * @param sagas the client every saga operation goes through
     * @param operations the counts, backlog and definitions
     * @param json the application's mapper, to read signal payloads
     * @param sanitizingFunctions applied to payloads and errors that are shown
     * @param showValues when payloads are shown; {@link Show#WHEN_AUTHORIZED} shows them outside the
     *     web (JMX has no user), as Boot's {@code env} endpoint does
     */
    public SagaEndpoint(SagaClient sagas, SagaOperations operations, JsonMapper json,
            Iterable<SanitizingFunction> sanitizingFunctions, Show showValues) {
        this.sagas = sagas;
        this.operations = operations;
        this.json = json;
        this.sanitizer = new PayloadSanitizer(sanitizingFunctions);
        this.showValues = showValues;
    }

    /** Counts by saga and status, the backlog, and a page of sagas, newest first. */
    @ReadOperation
    public SagasDescriptor sagas(@Nullable String name, @Nullable SagaStatus status, @Nullable String businessKey,
            @Nullable Instant from, @Nullable Instant to, SagaQuery.@Nullable Condition condition,
            @Nullable Duration runningLongerThan, @Nullable Integer page, @Nullable Integer size) {
        return sagas(query(name, status, businessKey, from, to, condition, runningLongerThan, page, size),
                this.showValues.isShown(true));
    }

    /** One saga with its timeline, or {@code null} when no saga has the id. */
    @ReadOperation
    public @Nullable SagaDescriptor saga(@Selector UUID id) {
        return saga(id, this.showValues.isShown(true));
    }

    /**
     * The filter of {@code GET /actuator/sagas}; defaults: page 0 of 20.
     *
     * @throws IllegalArgumentException for a negative page or a size outside 1 to 200
     */
    static SagaQuery query(@Nullable String name, @Nullable SagaStatus status, @Nullable String businessKey,
            @Nullable Instant from, @Nullable Instant to, SagaQuery.@Nullable Condition condition,
            @Nullable Duration runningLongerThan, @Nullable Integer page, @Nullable Integer size) {
        return new SagaQuery(name, status, businessKey, from, to, page == null ? 0 : page, size == null ? 20 : size,
                condition, runningLongerThan);
    }

    /** Counts, backlog and the page the query selects, payloads masked unless {@code showValues}. */
    public SagasDescriptor sagas(SagaQuery query, boolean showValues) {
        var counts = this.operations.countByNameAndStatus();
        var backlog = this.operations.backlog();
        return new SagasDescriptor(counts, backlog, this.sanitizer.page(this.sagas.list(query), showValues));
    }

    /** One saga with its timeline, payloads masked unless {@code showValues}; {@code null} if unknown. */
    public @Nullable SagaDescriptor saga(UUID id, boolean showValues) {
        return this.sagas.find(id)
                .map(view -> new SagaDescriptor(this.sanitizer.saga(view, showValues),
                        this.sanitizer.timeline(this.sagas.timeline(id), showValues)))
                .orElse(null);
    }

    /** The sagas and steps found at startup, with their effective retry policies. */
    public DefinitionsDescriptor definitions() {
        var definitions = this.operations.definitions();
        return new DefinitionsDescriptor(definitions.sagas(), definitions.steps());
    }

    /**
     * The saga's history as {@link SagaOperations#exportHistory} writes it, payloads masked unless
     * {@code showValues} ({@link dev.saga.UnknownSagaException} when no saga has the id).
     */
    public String history(UUID id, boolean showValues) {
        return this.sanitizer.history(this.operations.exportHistory(id), showValues, this.json);
    }

    /** Resumes a FAILED or PARKED saga ({@link IllegalStateException} for any other status). */
    public ActionDescriptor retry(UUID id) {
        this.sagas.retry(id);
        return new ActionDescriptor(id, "retrying");
    }

    /** Cancels a running or waiting saga ({@link IllegalStateException} once it has finished). */
    public ActionDescriptor cancel(UUID id, @Nullable String reason) {
        this.sagas.cancel(id, reason == null ? "cancelled from the sagas endpoint" : reason);
        return new ActionDescriptor(id, "cancelling");
    }

    /**
     * Sends a signal. Its payload is JSON given as text (Actuator takes flat request bodies only),
     * read as the type the saga's wait asks for.
     *
     * @throws IllegalArgumentException without a signal name or when the payload is not JSON
     * @throws IllegalStateException when the saga has finished and the signal was not stored
     */
    public ActionDescriptor signal(UUID id, @Nullable String signal, @Nullable String payload) {
        if (signal == null || signal.isBlank()) {
            throw new IllegalArgumentException("Give the signal's name as \"signal\" (and its \"payload\")");
        }
        if (this.sagas.signal(id, signal, parse(payload)) != SignalResult.DELIVERED) {
            throw new IllegalStateException("Saga " + id + " has finished; the signal was not stored");
        }
        return new ActionDescriptor(id, "signalled");
    }

    private @Nullable JsonNode parse(@Nullable String payload) {
        try {
            return payload == null ? null : this.json.readTree(payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("\"payload\" must be JSON in a string, e.g."
                    + " \"{\\\"by\\\": \\\"Ada\\\"}\": " + e.getOriginalMessage(), e);
        }
    }

    /** The answer to {@code GET /actuator/sagas}. */
    public record SagasDescriptor(Map<String, Map<SagaStatus, Long>> counts, SagaBacklog backlog, SagaPage page)
            implements OperationResponseBody {
    }

    /** The answer to {@code GET /actuator/sagas/{id}}. */
    public record SagaDescriptor(SagaView saga, List<SagaStepView> timeline) implements OperationResponseBody {
    }

    /** The answer to {@code GET /actuator/sagas/definitions}: {@link SagaDefinitionView}'s content. */
    public record DefinitionsDescriptor(List<SagaDefinitionView.SagaInfo> sagas,
            List<SagaDefinitionView.StepInfo> steps) implements OperationResponseBody {
    }

    /** The answer to an action: the saga and what it does now: retrying, cancelling or signalled. */
    public record ActionDescriptor(UUID id, String result) implements OperationResponseBody {
    }
}
