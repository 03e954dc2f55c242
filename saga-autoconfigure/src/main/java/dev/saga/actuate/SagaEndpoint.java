package dev.saga.actuate;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.saga.SagaBacklog;
import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.SagaPage;
import dev.saga.SagaPayloadException;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaView;
import dev.saga.SignalResult;
import dev.saga.UnknownSagaException;

/**
 * The {@code sagas} Actuator endpoint: find sagas, read one's timeline and the definitions, and
 * retry, cancel or signal a saga.
 *
 * <pre>
 * GET  /actuator/sagas?name=order&amp;status=FAILED&amp;page=0&amp;size=20
 * GET  /actuator/sagas/{id}
 * GET  /actuator/sagas/definitions
 * POST /actuator/sagas/{id}/retry
 * POST /actuator/sagas/{id}/cancel   {"reason": "customer called"}
 * POST /actuator/sagas/{id}/signal   {"signal": "item-picked", "payload": "{\"by\": \"Ada\"}"}
 * </pre>
 */
@Endpoint(id = "sagas")
public class SagaEndpoint {

    private static final int BAD_REQUEST = 400;
    private static final int NOT_FOUND = 404;
    private static final int CONFLICT = 409;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SagaClient sagas;
    private final SagaOperations operations;

    public SagaEndpoint(SagaClient sagas, SagaOperations operations) {
        this.sagas = sagas;
        this.operations = operations;
    }

    /** Counts by saga and status, the backlog, and a page of sagas, newest first. */
    @ReadOperation
    public WebEndpointResponse<Object> list(@Nullable String name, @Nullable SagaStatus status,
            @Nullable String businessKey, @Nullable Instant from, @Nullable Instant to, @Nullable Integer page,
            @Nullable Integer size) {
        SagaQuery query;
        try {
            query = new SagaQuery(name, status, businessKey, from, to, page == null ? 0 : page, size == null ? 20 : size);
        } catch (IllegalArgumentException e) {
            return error(BAD_REQUEST, e.getMessage());
        }
        return new WebEndpointResponse<>(new Overview(operations.countByNameAndStatus(), operations.backlog(),
                sagas.list(query)));
    }

    /** One saga with its timeline; {@code definitions} for the sagas and steps found at startup. */
    @ReadOperation
    public WebEndpointResponse<Object> detail(@Selector String id) {
        if ("definitions".equals(id)) {
            return new WebEndpointResponse<>(operations.definitions());
        }
        var sagaId = parse(id);
        if (sagaId == null) {
            return error(BAD_REQUEST, "Not a saga id: '" + id + "'");
        }
        var view = sagas.find(sagaId);
        if (view.isEmpty()) {
            return error(NOT_FOUND, "No saga with id " + id);
        }
        return new WebEndpointResponse<>(new Detail(view.get(), sagas.timeline(sagaId)));
    }

    /**
     * Acts on a saga: {@code retry} a FAILED or PARKED one, {@code cancel} a running or waiting
     * one (with an optional {@code reason}), or {@code signal} it ({@code signal} names the signal,
     * {@code payload} is JSON given as a string, read as the type the saga's wait asks for:
     * Actuator takes flat request bodies only).
     */
    @WriteOperation
    public WebEndpointResponse<Object> act(@Selector String id, @Selector String action, @Nullable String reason,
            @Nullable String signal, @Nullable String payload) {
        var sagaId = parse(id);
        if (sagaId == null) {
            return error(BAD_REQUEST, "Not a saga id: '" + id + "'");
        }
        try {
            return switch (action) {
                case "retry" -> {
                    sagas.retry(sagaId);
                    yield accepted(sagaId, "retrying");
                }
                case "cancel" -> {
                    sagas.cancel(sagaId, reason == null ? "cancelled from the sagas endpoint" : reason);
                    yield accepted(sagaId, "cancelling");
                }
                case "signal" -> {
                    if (signal == null || signal.isBlank()) {
                        yield error(BAD_REQUEST, "Give the signal's name as \"signal\" (and its \"payload\")");
                    }
                    JsonNode payloadJson;
                    try {
                        payloadJson = payload == null ? null : JSON.readTree(payload);
                    } catch (JacksonException e) {
                        yield error(BAD_REQUEST, "\"payload\" must be JSON in a string, e.g."
                                + " \"{\\\"by\\\": \\\"Ada\\\"}\": " + e.getOriginalMessage());
                    }
                    var result = sagas.signal(sagaId, signal, payloadJson);
                    yield result == SignalResult.DELIVERED ? accepted(sagaId, "signalled")
                            : error(CONFLICT, "Saga " + id + " has finished; the signal was not stored");
                }
                default -> error(BAD_REQUEST, "Unknown action '" + action + "'; use retry, cancel or signal");
            };
        } catch (UnknownSagaException e) {
            return error(NOT_FOUND, e.getMessage());
        } catch (SagaPayloadException e) {
            return error(BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            return error(CONFLICT, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(BAD_REQUEST, e.getMessage());
        }
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static WebEndpointResponse<Object> accepted(UUID id, String what) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("result", what);
        return new WebEndpointResponse<>(body, 202);
    }

    private static WebEndpointResponse<Object> error(int status, String message) {
        return new WebEndpointResponse<>(Map.of("error", message), status);
    }

    /** The answer to {@code GET /actuator/sagas}. */
    public record Overview(Map<String, Map<SagaStatus, Long>> counts, SagaBacklog backlog, SagaPage page) {
    }

    /** The answer to {@code GET /actuator/sagas/{id}}. */
    public record Detail(SagaView saga, List<SagaStepView> timeline) {
    }
}
