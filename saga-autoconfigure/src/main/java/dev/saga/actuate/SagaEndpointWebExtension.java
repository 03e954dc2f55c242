package dev.saga.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.saga.SagaPayloadException;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.UnknownSagaException;

/**
 * The {@link SagaEndpoint} over HTTP: it shows payloads to the users
 * {@code management.endpoint.sagas.show-values} and {@code roles} allow, and answers errors with
 * {@code {"error": "..."}} and 400 (bad input), 404 (no such saga) or 409 (the saga's status
 * forbids it).
 *
 * <p>Actuator builds an operation's path from its selectors only, so one operation serves
 * {@code GET /sagas/{id}}, one {@code GET /sagas/{id}/{part}} and one
 * {@code POST /sagas/{id}/{action}}; the literal segments {@code definitions}, {@code history},
 * {@code retry}, {@code cancel} and {@code signal} are resolved here, to one method of the
 * endpoint each (as Boot's Quartz web extension resolves {@code jobs} and {@code triggers}).
 */
@EndpointWebExtension(endpoint = SagaEndpoint.class)
public class SagaEndpointWebExtension {

    private static final String DEFINITIONS = "definitions";
    private static final String HISTORY = "history";
    private static final int ACCEPTED = 202;
    private static final int CONFLICT = 409;

    private final SagaEndpoint delegate;
    private final Show showValues;
    private final Set<String> roles;

    public SagaEndpointWebExtension(SagaEndpoint delegate, Show showValues, Set<String> roles) {
        this.delegate = delegate;
        this.showValues = showValues;
        this.roles = Set.copyOf(roles);
    }

    /** {@code GET /actuator/sagas}: counts, backlog and a page of sagas. */
    @ReadOperation
    public WebEndpointResponse<OperationResponseBody> sagas(SecurityContext securityContext, @Nullable String name,
            @Nullable SagaStatus status, @Nullable String businessKey, @Nullable Instant from, @Nullable Instant to,
            SagaQuery.@Nullable Condition condition, @Nullable Duration runningLongerThan, @Nullable Integer page,
            @Nullable Integer size) {
        SagaQuery query;
        try {
            query = SagaEndpoint.query(name, status, businessKey, from, to, condition, runningLongerThan, page, size);
        } catch (IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
        }
        return new WebEndpointResponse<>(this.delegate.sagas(query, shown(securityContext)));
    }

    /** {@code GET /actuator/sagas/{id}}: one saga; {@code GET /actuator/sagas/definitions}: the definitions. */
    @ReadOperation
    public WebEndpointResponse<OperationResponseBody> saga(SecurityContext securityContext, @Selector String id) {
        if (DEFINITIONS.equals(id)) {
            return new WebEndpointResponse<>(this.delegate.definitions());
        }
        var sagaId = parse(id);
        if (sagaId == null) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, notASagaId(id));
        }
        var saga = this.delegate.saga(sagaId, shown(securityContext));
        return saga == null ? error(WebEndpointResponse.STATUS_NOT_FOUND, "No saga with id " + id)
                : new WebEndpointResponse<>(saga);
    }

    /**
     * {@code GET /actuator/sagas/{id}/history}: the saga's history as a JSON document, exactly as
     * {@code SagaOperations.exportHistory} writes it when payloads are shown, else with them masked.
     */
    @ReadOperation
    public WebEndpointResponse<Object> history(SecurityContext securityContext, @Selector String id,
            @Selector String part) {
        if (!HISTORY.equals(part)) {
            return new WebEndpointResponse<>(new ErrorDescriptor("Unknown part '" + part + "' of a saga; use history"),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
        var sagaId = parse(id);
        if (sagaId == null) {
            return new WebEndpointResponse<>(new ErrorDescriptor(notASagaId(id)),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        try {
            return new WebEndpointResponse<>(this.delegate.history(sagaId, shown(securityContext)));
        } catch (UnknownSagaException e) {
            return new WebEndpointResponse<>(new ErrorDescriptor(String.valueOf(e.getMessage())),
                    WebEndpointResponse.STATUS_NOT_FOUND);
        }
    }

    /** {@code POST /actuator/sagas/{id}/retry}, {@code .../cancel} or {@code .../signal}: 202 once recorded. */
    @WriteOperation
    public WebEndpointResponse<OperationResponseBody> act(@Selector String id, @Selector String action,
            @Nullable String reason, @Nullable String signal, @Nullable String payload) {
        var sagaId = parse(id);
        if (sagaId == null) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, notASagaId(id));
        }
        try {
            return new WebEndpointResponse<>(perform(sagaId, action, reason, signal, payload), ACCEPTED);
        } catch (UnknownSagaException e) {
            return error(WebEndpointResponse.STATUS_NOT_FOUND, e.getMessage());
        } catch (SagaPayloadException | IllegalArgumentException e) {
            return error(WebEndpointResponse.STATUS_BAD_REQUEST, e.getMessage());
        } catch (IllegalStateException e) {
            return error(CONFLICT, e.getMessage());
        }
    }

    /** The path segment names the endpoint's method: Actuator has no literal segments to map it. */
    private SagaEndpoint.ActionDescriptor perform(UUID sagaId, String action, @Nullable String reason,
            @Nullable String signal, @Nullable String payload) {
        return switch (action) {
            case "retry" -> this.delegate.retry(sagaId);
            case "cancel" -> this.delegate.cancel(sagaId, reason);
            case "signal" -> this.delegate.signal(sagaId, signal, payload);
            default -> throw new IllegalArgumentException(
                    "Unknown action '" + action + "'; use retry, cancel or signal");
        };
    }

    private boolean shown(SecurityContext securityContext) {
        return this.showValues.isShown(securityContext, this.roles);
    }

    private static @Nullable UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String notASagaId(String id) {
        return "Not a saga id: '" + id + "'";
    }

    private static WebEndpointResponse<OperationResponseBody> error(int status, @Nullable String message) {
        return new WebEndpointResponse<>(new ErrorDescriptor(String.valueOf(message)), status);
    }

    /** The answer to a request that was refused. */
    public record ErrorDescriptor(String error) implements OperationResponseBody {
    }
}
