package dev.saga.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.SagaBacklog;
import dev.saga.SagaClient;
import dev.saga.SagaDefinitionView;
import dev.saga.SagaOperations;
import dev.saga.SagaPage;
import dev.saga.SagaPayloadException;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaView;
import dev.saga.SignalResult;
import dev.saga.UnknownSagaException;
import dev.saga.actuate.SagaEndpoint.ActionDescriptor;
import dev.saga.actuate.SagaEndpoint.SagaDescriptor;
import dev.saga.actuate.SagaEndpoint.SagasDescriptor;
import dev.saga.actuate.SagaEndpointWebExtension.ErrorDescriptor;

/**
 * The {@code sagas} endpoint through its web extension: status codes, error bodies, and payloads
 * hidden or shown as {@code show-values} and the user's roles say.
 */
class SagaEndpointWebExtensionTests {

    private static final String HIDDEN = "******";
    private static final UUID ID = UUID.fromString("0b7c6a52-5d1e-4a8e-9f3e-2c4b1a7d9e10");
    private static final SecurityContext ANONYMOUS = SecurityContext.NONE;
    private static final SecurityContext OPERATOR = new User("ada", Set.of("saga-operator"));
    private static final SecurityContext VIEWER = new User("bob", Set.of("viewer"));

    private final SagaClient sagas = mock(SagaClient.class);
    private final SagaOperations operations = mock(SagaOperations.class);

    @Test
    void hidesPayloadsFromEveryoneByDefaultButShowsErrors() {
        var web = web(Show.NEVER, Set.of());
        knowOneSaga();

        var saga = detail(web.saga(OPERATOR, ID.toString()));

        assertThat(saga.saga().input()).isEqualTo(HIDDEN);
        assertThat(saga.saga().output()).as("no output yet is no secret").isNull();
        assertThat(saga.saga().error()).isEqualTo("java.lang.IllegalStateException: carrier down");
        var step = saga.timeline().get(0);
        assertThat(step.arguments()).isEqualTo(HIDDEN);
        assertThat(step.result()).isEqualTo(HIDDEN);
        assertThat(step.error()).isEqualTo("java.lang.IllegalStateException: carrier down");
        assertThat(step.attempts().get(0).error()).isEqualTo("java.lang.IllegalStateException: carrier down");
        assertThat(step.name()).isEqualTo("payments.charge");
        assertThat(saga.timeline().get(1).result()).as("a signal's payload").isEqualTo(HIDDEN);
        assertThat(list(firstPage(web, OPERATOR)).page().sagas().get(0).input())
                .isEqualTo(HIDDEN);
    }

    @Test
    void showsPayloadsToEveryoneWhenAlways() {
        var web = web(Show.ALWAYS, Set.of("saga-operator"));
        knowOneSaga();

        var saga = detail(web.saga(ANONYMOUS, ID.toString()));

        assertThat(saga.saga().input()).isEqualTo("{\"order\":\"o-1\"}");
        assertThat(saga.timeline().get(0).arguments()).isEqualTo("[{\"order\":\"o-1\"}]");
        assertThat(saga.timeline().get(0).result()).isEqualTo("{\"charge\":\"ch_81\"}");
        assertThat(saga.timeline().get(1).result()).isEqualTo("{\"by\":\"Ada\"}");
        assertThat(list(firstPage(web, ANONYMOUS)).page().sagas().get(0).input())
                .isEqualTo("{\"order\":\"o-1\"}");
    }

    @Test
    void showsPayloadsWhenAuthorizedOnlyToASignedInUserWithOneOfTheRoles() {
        var web = web(Show.WHEN_AUTHORIZED, Set.of("saga-operator", "admin"));
        knowOneSaga();

        assertThat(detail(web.saga(ANONYMOUS, ID.toString())).saga().input()).isEqualTo(HIDDEN);
        assertThat(detail(web.saga(VIEWER, ID.toString())).saga().input()).isEqualTo(HIDDEN);
        assertThat(detail(web.saga(OPERATOR, ID.toString())).saga().input()).isEqualTo("{\"order\":\"o-1\"}");
        assertThat(detail(web.saga(OPERATOR, ID.toString())).timeline().get(0).result())
                .isEqualTo("{\"charge\":\"ch_81\"}");
        assertThat(list(firstPage(web, VIEWER)).page().sagas().get(0).input())
                .isEqualTo(HIDDEN);
        assertThat(list(firstPage(web, OPERATOR)).page().sagas().get(0).input())
                .isEqualTo("{\"order\":\"o-1\"}");
    }

    @Test
    void showsPayloadsWhenAuthorizedToEverySignedInUserWhenNoRoleIsConfigured() {
        var web = web(Show.WHEN_AUTHORIZED, Set.of());
        knowOneSaga();

        assertThat(detail(web.saga(ANONYMOUS, ID.toString())).saga().input()).isEqualTo(HIDDEN);
        assertThat(detail(web.saga(VIEWER, ID.toString())).saga().input()).isEqualTo("{\"order\":\"o-1\"}");
    }

    @Test
    void showsPayloadsWhenAuthorizedOutsideTheWebWhereThereIsNoUserAsBootsEnvEndpointDoes() {
        knowOneSaga();

        assertThat(endpoint(Show.WHEN_AUTHORIZED, List.of()).saga(ID).saga().input()).isEqualTo("{\"order\":\"o-1\"}");
        assertThat(endpoint(Show.NEVER, List.of()).saga(ID).saga().input()).isEqualTo(HIDDEN);
        assertThat(endpoint(Show.NEVER, List.of()).sagas(null, null, null, null, null, null, null, null, null).page()
                .sagas().get(0).input()).isEqualTo(HIDDEN);
    }

    @Test
    void passesShownPayloadsAndErrorsThroughTheApplicationsSanitizingFunctions() {
        var cardNumbers = SanitizingFunction.sanitizeValue().ifValueStringMatches(".*\\d{16}.*");
        var web = new SagaEndpointWebExtension(endpoint(Show.ALWAYS, List.of(cardNumbers)), Show.ALWAYS, Set.of());
        when(sagas.find(ID)).thenReturn(Optional.of(saga("{\"card\":\"4111111111111111\"}",
                "java.lang.IllegalStateException: card 4111111111111111 declined")));
        when(sagas.timeline(ID)).thenReturn(List.of());

        var saga = detail(web.saga(ANONYMOUS, ID.toString())).saga();

        assertThat(saga.input()).isEqualTo(HIDDEN);
        assertThat(saga.error()).isEqualTo(HIDDEN);
        assertThat(saga.name()).isEqualTo("order-fulfilment");
    }

    @Test
    void answersTheReadsWith200OrWith400And404() {
        var web = web(Show.NEVER, Set.of());
        knowOneSaga();
        var unknown = UUID.randomUUID();

        assertThat(web.saga(ANONYMOUS, ID.toString()).getStatus()).isEqualTo(200);
        assertError(web.saga(ANONYMOUS, "not-a-uuid"), 400, "Not a saga id: 'not-a-uuid'");
        assertError(web.saga(ANONYMOUS, unknown.toString()), 404, "No saga with id " + unknown);
        assertError(web.sagas(ANONYMOUS, null, null, null, null, null, null, null, null, 0), 400,
                "size must be between 1 and 200: 0");
        assertError(web.sagas(ANONYMOUS, null, null, null, null, null, null, null, -1, null), 400,
                "page must not be negative");
        var definitions = web.saga(ANONYMOUS, "definitions");
        assertThat(definitions.getStatus()).isEqualTo(200);
        assertThat(((SagaEndpoint.DefinitionsDescriptor) definitions.getBody()).sagas().get(0).name())
                .isEqualTo("order-fulfilment");
    }

    @Test
    void listsWithTheQueryGivenAndItsDefaults() {
        var web = web(Show.NEVER, Set.of());
        knowOneSaga();
        var from = Instant.parse("2026-03-01T00:00:00Z");

        web.sagas(ANONYMOUS, "order-fulfilment", SagaStatus.FAILED, "key-1", from, null, null, null, 2, 5);
        firstPage(web, ANONYMOUS);

        web.sagas(ANONYMOUS, null, null, null, null, null, SagaQuery.Condition.STUCK, Duration.ofHours(2), null, null);

        verify(sagas).list(new SagaQuery("order-fulfilment", SagaStatus.FAILED, "key-1", from, null, 2, 5));
        verify(sagas).list(SagaQuery.all());
        verify(sagas).list(SagaQuery.all().withCondition(SagaQuery.Condition.STUCK)
                .withRunningLongerThan(Duration.ofHours(2)));
    }

    @Test
    void acceptsEachActionWith202AndCallsTheClient() {
        var web = web(Show.NEVER, Set.of());
        when(sagas.signal(eq(ID), eq("signed"), any())).thenReturn(SignalResult.DELIVERED);

        assertAccepted(web.act(ID.toString(), "retry", null, null, null), "retrying");
        assertAccepted(web.act(ID.toString(), "cancel", "customer called", null, null), "cancelling");
        assertAccepted(web.act(ID.toString(), "cancel", null, null, null), "cancelling");
        assertAccepted(web.act(ID.toString(), "signal", null, "signed", "{\"by\": \"Ada\"}"), "signalled");

        verify(sagas).retry(ID);
        verify(sagas).cancel(ID, "customer called");
        verify(sagas).cancel(ID, "cancelled from the sagas endpoint");
        verify(sagas).signal(ID, "signed", JsonMapper.builder().build().readTree("{\"by\": \"Ada\"}"));
    }

    @Test
    void refusesBadActionsWith400AndCallsNothing() {
        var web = web(Show.NEVER, Set.of());

        assertError(web.act("not-a-uuid", "retry", null, null, null), 400, "Not a saga id: 'not-a-uuid'");
        assertError(web.act(ID.toString(), "dance", null, null, null), 400,
                "Unknown action 'dance'; use retry, cancel or signal");
        assertError(web.act(ID.toString(), "signal", null, " ", "1"), 400, "signal's name");
        assertError(web.act(ID.toString(), "signal", null, "signed", "{oops"), 400, "\"payload\" must be JSON");

        verifyNoInteractions(sagas);
    }

    @Test
    void mapsTheClientsExceptionsTo404And400And409() {
        var web = web(Show.NEVER, Set.of());
        var unknown = UUID.randomUUID();
        doThrow(new UnknownSagaException("No saga with id " + unknown)).when(sagas).retry(unknown);
        doThrow(new IllegalStateException("Saga " + ID + " is RUNNING; only FAILED and PARKED sagas can be retried"))
                .when(sagas).retry(ID);
        doThrow(new IllegalStateException("Saga " + ID + " has finished (COMPLETED); there is nothing to cancel"))
                .when(sagas).cancel(eq(ID), any());
        when(sagas.signal(eq(ID), eq("too-big"), any())).thenThrow(new SagaPayloadException("over the limit"));
        when(sagas.signal(eq(ID), eq("late"), isNull())).thenReturn(SignalResult.SAGA_FINISHED);

        assertError(web.act(unknown.toString(), "retry", null, null, null), 404, "No saga with id " + unknown);
        assertError(web.act(ID.toString(), "retry", null, null, null), 409, "only FAILED and PARKED");
        assertError(web.act(ID.toString(), "cancel", null, null, null), 409, "there is nothing to cancel");
        assertError(web.act(ID.toString(), "signal", null, "too-big", "\"x\""), 400, "over the limit");
        assertError(web.act(ID.toString(), "signal", null, "late", null), 409,
                "has finished; the signal was not stored");
    }

    @Test
    void servesTheHistoryAsExportedWhenShownAndMasksItsPayloadsOtherwise() {
        var document = """
                {
                  "format" : "saga-history",
                  "input" : {
                    "order" : "o-1",
                    "amount" : 19.80
                  },
                  "error" : "java.lang.IllegalStateException: carrier down",
                  "entries" : [ {
                    "seq" : 0,
                    "arguments" : [ "o-1" ],
                    "result" : {
                      "charge" : "ch_81"
                    },
                    "error" : "java.lang.IllegalStateException: carrier down"
                  } ]
                }""";
        when(operations.exportHistory(ID)).thenReturn(document);
        var unknown = UUID.randomUUID();
        when(operations.exportHistory(unknown)).thenThrow(new UnknownSagaException("No saga with id " + unknown));

        var shown = web(Show.ALWAYS, Set.of()).history(ANONYMOUS, ID.toString(), "history");
        var hidden = web(Show.NEVER, Set.of()).history(OPERATOR, ID.toString(), "history");

        assertThat(shown.getStatus()).isEqualTo(200);
        assertThat(shown.getBody()).as("character for character").isEqualTo(document);
        var masked = JsonMapper.builder().build().readTree((String) hidden.getBody());
        assertThat(masked.get("input").asString()).isEqualTo(HIDDEN);
        assertThat(masked.at("/entries/0/arguments").asString()).isEqualTo(HIDDEN);
        assertThat(masked.at("/entries/0/result").asString()).isEqualTo(HIDDEN);
        assertThat(masked.at("/entries/0/error").asString()).isEqualTo("java.lang.IllegalStateException: carrier down");
        assertThat(masked.get("error").asString()).isEqualTo("java.lang.IllegalStateException: carrier down");
        assertError(web(Show.ALWAYS, Set.of()).history(ANONYMOUS, unknown.toString(), "history"), 404,
                "No saga with id " + unknown);
        assertError(web(Show.ALWAYS, Set.of()).history(ANONYMOUS, "x", "history"), 400, "Not a saga id");
        assertError(web(Show.ALWAYS, Set.of()).history(ANONYMOUS, ID.toString(), "story"), 404, "use history");
    }

    @Test
    void readsSignalPayloadsWithTheMapperItIsGiven() {
        var lenient = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
        var web = new SagaEndpointWebExtension(new SagaEndpoint(sagas, operations, lenient, List.of(), Show.NEVER),
                Show.NEVER, Set.of());
        when(sagas.signal(eq(ID), eq("signed"), any())).thenReturn(SignalResult.DELIVERED);

        assertAccepted(web.act(ID.toString(), "signal", null, "signed", "{'by': 'Ada'}"), "signalled");

        verify(sagas).signal(ID, "signed", (JsonNode) lenient.readTree("{\"by\": \"Ada\"}"));
    }

    private SagaEndpoint endpoint(Show show, List<SanitizingFunction> functions) {
        return new SagaEndpoint(sagas, operations, JsonMapper.builder().build(), functions, show);
    }

    private SagaEndpointWebExtension web(Show show, Set<String> roles) {
        return new SagaEndpointWebExtension(endpoint(show, List.of()), show, roles);
    }

    /** One FAILED saga with a step and a signal; the operator calls of the client in one place. */
    private void knowOneSaga() {
        var view = saga("{\"order\":\"o-1\"}", "java.lang.IllegalStateException: carrier down");
        when(sagas.find(ID)).thenReturn(Optional.of(view));
        when(sagas.list(any())).thenReturn(new SagaPage(List.of(view), 0, 20, 1));
        when(sagas.timeline(ID)).thenReturn(List.of(
                new SagaStepView(0, "STEP", "payments.charge", "FAILED", null, "[{\"order\":\"o-1\"}]",
                        "{\"charge\":\"ch_81\"}", "java.lang.IllegalStateException: carrier down",
                        List.of(new SagaStepView.Attempt(1, Instant.EPOCH, Duration.ofMillis(5),
                                "java.lang.IllegalStateException: carrier down")),
                        Instant.EPOCH, null, null),
                new SagaStepView(1, "SIGNAL", "signed", "COMPLETED", null, null, "{\"by\":\"Ada\"}", null, List.of(),
                        Instant.EPOCH, Instant.EPOCH, null)));
        when(operations.countByNameAndStatus()).thenReturn(Map.of("order-fulfilment", Map.of(SagaStatus.FAILED, 1L)));
        when(operations.backlog()).thenReturn(new SagaBacklog(0, Duration.ZERO, 1));
        when(operations.definitions()).thenReturn(new SagaDefinitionView(
                List.of(new SagaDefinitionView.SagaInfo("order-fulfilment", 1, "Shop.run(Order)", null)), List.of()));
    }

    private static SagaView saga(String input, String error) {
        return new SagaView(ID, "order-fulfilment", 1, "key-1", SagaStatus.FAILED, input, null, error, 1, 2, null,
                Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);
    }

    private static SagaDescriptor detail(WebEndpointResponse<?> response) {
        assertThat(response.getStatus()).isEqualTo(200);
        return (SagaDescriptor) response.getBody();
    }

    /** {@code GET /actuator/sagas} with no parameter. */
    private static WebEndpointResponse<?> firstPage(SagaEndpointWebExtension web, SecurityContext user) {
        return web.sagas(user, null, null, null, null, null, null, null, null, null);
    }

    private static SagasDescriptor list(WebEndpointResponse<?> response) {
        assertThat(response.getStatus()).isEqualTo(200);
        return (SagasDescriptor) response.getBody();
    }

    private static void assertAccepted(WebEndpointResponse<?> response, String result) {
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getBody()).isEqualTo(new ActionDescriptor(ID, result));
    }

    private static void assertError(WebEndpointResponse<?> response, int status, String message) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(((ErrorDescriptor) response.getBody()).error()).contains(message);
    }

    /** A signed-in user, as a servlet container or Spring Security presents one. */
    private record User(String name, Set<String> roles) implements SecurityContext {

        @Override
        public @Nullable Principal getPrincipal() {
            return () -> name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return roles.contains(role);
        }
    }
}
