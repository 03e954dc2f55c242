package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.fixtures.Order;
import dev.saga.fixtures.ReplaySagas;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * A saga's history exported as JSON and replayed against the code of today, running nothing:
 * the same code matches; reordered steps, a removed {@code Sagas.patched} call and a changed
 * parameter type are reported where they diverge. Today's code is a second node with its own
 * declaration of the saga name, on the same database.
 */
class ReplayHistoryTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static TestEngine engine;
    private static ConfigurableApplicationContext recorded;
    private static SagaOperations operations;
    private static UUID completed;
    private static UUID waiting;
    private static String history;

    @BeforeAll
    static void recordHistories() {
        engine = new TestEngine();
        recorded = engine.startWebNode(List.of(ReplaySagas.Recorded.class), List.of(
                "management.endpoints.web.exposure.include=sagas",
                "management.endpoint.sagas.show-values=always"), context -> {
                });
        var client = TestEngine.client(recorded);
        completed = client.start("fulfil", new Order("o-1", 3));
        assertThat(client.awaitResult(completed, String.class, WAIT)).isEqualTo("pay-o-1|res-o-1|label-o-1");
        waiting = client.start("await-pickup", new Order("o-2", 1));
        await().atMost(WAIT).until(() -> Ledger.of(recorded).suspended(waiting));
        operations = recorded.getBean(SagaOperations.class);
        history = operations.exportHistory(completed);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    @Test
    void exportsAVersionedPrettyPrintedDocumentWithPayloadsEmbeddedAsJson() {
        var document = json.readTree(history);

        assertThat(document.get("format").asString()).isEqualTo("saga-history");
        assertThat(document.get("formatVersion").asInt()).isEqualTo(1);
        assertThat(document.get("id").asString()).isEqualTo(completed.toString());
        assertThat(document.get("name").asString()).isEqualTo("fulfil");
        assertThat(document.get("version").asInt()).isEqualTo(1);
        assertThat(document.get("run").asInt()).isEqualTo(1);
        assertThat(document.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(document.at("/input/id").asString()).as("the input is JSON, not a string").isEqualTo("o-1");
        assertThat(document.get("entries")).extracting(entry -> entry.get("seq").asInt() + " "
                + entry.get("kind").asString() + " " + entry.get("name").asString() + " "
                + entry.get("status").asString()).containsExactly("0 STEP replayShop.charge COMPLETED",
                        "1 PATCH gift-wrap COMPLETED", "2 STEP replayShop.wrap COMPLETED",
                        "3 STEP replayShop.reserve COMPLETED", "4 STEP replayShop.ship COMPLETED");
        var charge = document.at("/entries/0");
        assertThat(charge.at("/arguments/0/amount").asInt()).isEqualTo(3);
        assertThat(charge.at("/result/id").asString()).isEqualTo("pay-o-1");
        assertThat(charge.get("attemptCount").asInt()).isEqualTo(1);
        assertThat(charge.has("startedAt") && charge.has("finishedAt")).isTrue();
        assertThat(charge.has("error")).as("absent values are left out").isFalse();
        assertThat(charge.propertyNames()).containsExactly("seq", "kind", "name", "status", "arguments", "result",
                "attemptCount", "startedAt", "finishedAt");
        assertThat(history).startsWith("{\n  \"format\" : \"saga-history\",\n  \"formatVersion\" : 1,");
        assertThat(operations.exportHistory(completed)).as("deterministic").isEqualTo(history);
        assertThatThrownBy(() -> operations.exportHistory(UUID.randomUUID()))
                .isInstanceOf(UnknownSagaException.class).hasMessageStartingWith("No saga with id ");
    }

    @Test
    void replaysItsHistoryAgainstTheSameCodeWithoutRunningAStepOrWritingAnything() {
        var steps = recorded.getBean(ReplaySagas.Steps.class);
        int calls = steps.calls();
        var before = tables();

        var result = operations.replayHistory("fulfil.json", history);

        assertThat(result.matches()).as(result.divergence()).isTrue();
        assertThat(result).extracting(ReplayResult::source, ReplayResult::sagaId, ReplayResult::sagaName,
                ReplayResult::stepsReplayed).containsExactly("fulfil.json", completed, "fulfil", 5);
        assertThat(steps.calls()).as("no step ran").isEqualTo(calls);
        assertThat(tables()).as("nothing was written").isEqualTo(before);
    }

    @Test
    void reportsReorderedStepsAtTheSequenceWhereTheyDiverge() {
        var today = today(ReplaySagas.Reordered.class);

        var result = today.getBean(SagaOperations.class).replayHistory("orders/fulfil.json", history);

        System.out.println(result.divergence());
        assertThat(result.matches()).isFalse();
        assertThat(result.stepsReplayed()).isEqualTo(3);
        assertThat(result.divergence()).isEqualTo("Saga 'fulfil' " + completed + " (orders/fulfil.json) diverges"
                + " from its recorded history at sequence 3:\n"
                + "  expected (recorded): STEP 'replayShop.reserve'\n"
                + "  found (code today):  STEP 'replayShop.ship'\n"
                + "  history: 0 STEP replayShop.charge COMPLETED, 1 PATCH gift-wrap COMPLETED,"
                + " 2 STEP replayShop.wrap COMPLETED, 3 STEP replayShop.reserve COMPLETED <-- here,"
                + " 4 STEP replayShop.ship COMPLETED");
        assertThat(today.getBean(ReplaySagas.Steps.class).calls()).as("no step ran").isZero();
    }

    @Test
    void reportsAPatchedCallTheCodeNoLongerMakes() {
        var today = today(ReplaySagas.Unpatched.class);

        var result = today.getBean(SagaOperations.class).replayHistory("fulfil.json", history);

        System.out.println(result.divergence());
        assertThat(result.matches()).isFalse();
        assertThat(result.stepsReplayed()).isEqualTo(1);
        assertThat(result.divergence()).contains("at sequence 1:",
                "expected (recorded): PATCH 'gift-wrap'", "found (code today):  STEP 'replayShop.wrap'",
                "note: the history took the new branch of Sagas.patched(\"gift-wrap\") here",
                "1 PATCH gift-wrap COMPLETED <-- here");
    }

    @Test
    void reportsAStepWhoseParameterTypeCannotReadTheRecordedArguments() {
        var today = today(ReplaySagas.Retyped.class);

        var result = today.getBean(SagaOperations.class).replayHistory("fulfil.json", history);

        System.out.println(result.divergence());
        assertThat(result.matches()).isFalse();
        assertThat(result.stepsReplayed()).isEqualTo(3);
        assertThat(result.divergence()).contains("at sequence 3:",
                "expected (recorded): STEP 'replayShop.reserve'",
                "found (code today):  STEP 'replayShop.reserve' whose parameter 1 (quantity, int) cannot read"
                        + " recorded argument 1: ");
    }

    @Test
    void reportsCodeThatEndsWhereTheHistoryGoesOn() {
        var today = today(ReplaySagas.Shortened.class);

        var result = today.getBean(SagaOperations.class).replayHistory("fulfil.json", history);

        assertThat(result.stepsReplayed()).isEqualTo(4);
        assertThat(result.divergence()).contains("at sequence 4:", "expected (recorded): STEP 'replayShop.ship'",
                "found (code today):  the entry method returns", "4 STEP replayShop.ship COMPLETED <-- here");
    }

    @Test
    void replaysAFailedAndCompensatedSagaUpToItsRecordedFailure() {
        var client = TestEngine.client(recorded);
        var lost = client.start("fulfil", new Order("lost-1", 2));
        await().atMost(WAIT).until(() -> client.find(lost).orElseThrow().status() == SagaStatus.COMPENSATED);
        var steps = recorded.getBean(ReplaySagas.Steps.class);
        int calls = steps.calls();
        var exported = operations.exportHistory(lost);
        assertThat(json.readTree(exported).get("entries")).extracting(entry -> entry.get("kind").asString() + " "
                + entry.get("status").asString()).containsExactly("STEP COMPLETED", "PATCH COMPLETED",
                        "STEP COMPLETED", "STEP COMPLETED", "STEP FAILED", "COMPENSATION COMPLETED");
        assertThat(json.readTree(exported).at("/entries/4/error").asString())
                .isEqualTo("java.lang.IllegalStateException: carrier lost lost-1");

        var result = operations.replayHistory("lost.json", exported);

        assertThat(result.matches()).as(result.divergence()).isTrue();
        assertThat(result.stepsReplayed()).as("the saga throws the recorded failure at the fifth").isEqualTo(5);
        assertThat(steps.calls()).as("neither a step nor a compensation ran").isEqualTo(calls);
    }

    @Test
    void reportsASagaNameThatIsNotDeployedAndRefusesADocumentThatIsNoHistory() {
        var renamed = history.replace("\"name\" : \"fulfil\"", "\"name\" : \"fulfilment\"");

        var result = operations.replayHistory("renamed.json", renamed);

        assertThat(result.matches()).isFalse();
        assertThat(result.divergence()).isEqualTo("Saga 'fulfilment' " + completed + " (renamed.json) cannot be"
                + " replayed: no saga named 'fulfilment' is deployed here (deployed sagas: [await-pickup, fulfil])");
        assertThatThrownBy(() -> operations.replayHistory("notes.json", "{\"id\": 1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("notes.json is not a saga history");
    }

    @Test
    void replaysEveryUnfinishedSagaReadOnlyUpToWhereItWaits() {
        var steps = recorded.getBean(ReplaySagas.Steps.class);
        int calls = steps.calls();
        var before = tables();

        var results = operations.replayUnfinished();

        assertThat(results).extracting(ReplayResult::sagaId).as("the completed saga replays no more")
                .contains(waiting).doesNotContain(completed);
        var result = results.stream().filter(r -> r.sagaId().equals(waiting)).findFirst().orElseThrow();
        assertThat(result.matches()).as(result.divergence()).isTrue();
        assertThat(result).extracting(ReplayResult::source, ReplayResult::sagaName, ReplayResult::stepsReplayed)
                .as("the charge, then the open wait ends the history").containsExactly("database", "await-pickup", 1);
        assertThat(steps.calls()).as("no step ran").isEqualTo(calls);
        assertThat(tables()).as("nothing was written").isEqualTo(before);
        assertThat(Ledger.of(recorded).suspended(waiting)).as("still waiting").isTrue();

        var elsewhere = today(ReplaySagas.Reordered.class).getBean(SagaOperations.class).replayUnfinished();
        assertThat(elsewhere).filteredOn(r -> r.sagaId().equals(waiting)).singleElement()
                .satisfies(r -> assertThat(r.divergence()).contains("no saga named 'await-pickup' is deployed"));
    }

    @Test
    void theActuatorServesTheSameDocument() throws Exception {
        var base = "http://localhost:" + ((WebServerApplicationContext) recorded).getWebServer().getPort()
                + "/actuator/sagas/";

        var response = get(base + completed + "/history");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .contains("json"));
        assertThat(response.body()).isEqualTo(history);
        assertThat(get(base + UUID.randomUUID() + "/history").statusCode()).isEqualTo(404);
        assertThat(get(base + completed + "/story").statusCode()).isEqualTo(404);
        assertThat(get(base + "nope/history").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A node with today's code, on the same database, running nothing by itself. */
    private static ConfigurableApplicationContext today(Class<?> configuration) {
        return engine.startNode(List.of(configuration), "saga.dispatcher.enabled=false");
    }

    /** A digest of every row of the engine's tables. */
    private static List<String> tables() {
        var jdbc = TestEngine.jdbc(recorded);
        return Ledger.TABLES.stream().map(table -> table + " " + jdbc.queryForObject(
                "select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from saga." + table + " t",
                String.class)).toList();
    }
}
