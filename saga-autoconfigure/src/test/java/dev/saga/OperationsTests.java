package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.fixtures.FlakyConfiguration;
import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.fixtures.ShopSteps;
import dev.saga.fixtures.WaitingConfiguration;
import dev.saga.fixtures.WaitingSteps;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.retention.RetentionJob;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.MovableClock;
import dev.saga.testsupport.TestEngine;

/** The Actuator endpoint over HTTP, the metrics, the health indicator and retention. */
class OperationsTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HOUR_AND_A_BIT = Duration.ofMinutes(61);
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static TestEngine engine;
    private static MovableClock clock;
    private static ConfigurableApplicationContext node;
    private static SagaClient client;
    private static String base;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        clock = new MovableClock();
        node = engine.startWebNode(List.of(ShopConfiguration.class, WaitingConfiguration.class,
                FlakyConfiguration.class), List.of(
                "management.endpoints.web.exposure.include=sagas,health",
                "management.endpoint.health.show-details=always",
                "saga.retention.completed=7d", "saga.retention.compensated=30d",
                // the flaky saga's step fails every time; its next attempt is an hour away
                "saga.sagas.flaky.retry.delay=1h", "saga.sagas.flaky.retry.max-delay=2h"), context -> {
                    context.getBeanFactory().registerSingleton("sagaClock", clock.asSagaClock());
                    context.getBeanFactory().registerSingleton("gate", DurableWaitTests.openGate());
                });
        client = TestEngine.client(node);
        base = "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/actuator";
    }

    @AfterAll
    static void stopNode() {
        engine.close();
    }

    @Test
    void listsCountsAndAFilteredPageNewestFirst() throws Exception {
        var first = client.start("order", new Order("list-1", 1));
        var second = client.start("order", new Order("list-2", 2));
        client.awaitResult(first, String.class, WAIT);
        client.awaitResult(second, String.class, WAIT);

        var all = get("/sagas");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(body(all).at("/counts/order/COMPLETED").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(body(all).at("/backlog/due").isNumber()).isTrue();

        var filtered = body(get("/sagas?name=order&status=COMPLETED&size=1"));
        assertThat(filtered.at("/page/sagas")).hasSize(1);
        assertThat(filtered.at("/page/total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(filtered.at("/page/sagas/0/status").asString()).isEqualTo("COMPLETED");
        var byKey = body(get("/sagas?businessKey=no-such-key"));
        assertThat(byKey.at("/page/total").asLong()).isZero();

        assertThat(get("/sagas?status=NOT_A_STATUS").statusCode()).isEqualTo(400);
        assertThat(get("/sagas?size=1000").statusCode()).isEqualTo(400);
    }

    @Test
    void showsASagaWithItsTimelineAndAnswers404And400() throws Exception {
        node.getBean(ShopSteps.class).failShipmentsOf("detail-1");
        var id = client.start("order", new Order("detail-1", 3));
        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());

        var detail = body(get("/sagas/" + id));
        assertThat(detail.at("/saga/status").asString()).isEqualTo("COMPENSATED");
        assertThat(detail.at("/timeline/2/name").asString()).isEqualTo("shopSteps.ship");
        assertThat(detail.at("/timeline/2/status").asString()).isEqualTo("FAILED");
        assertThat(detail.at("/timeline/2/attempts")).hasSize(3);
        assertThat(detail.at("/timeline/2/attempts/0/error").asString()).contains("carrier down");
        assertThat(detail.at("/timeline/3/kind").asString()).isEqualTo("COMPENSATION");

        assertThat(get("/sagas/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(get("/sagas/not-a-uuid").statusCode()).isEqualTo(400);
    }

    @Test
    void showsTheDefinitionsWithEffectiveRetryPolicies() throws Exception {
        var definitions = body(get("/sagas/definitions"));

        assertThat(definitions.at("/sagas").findValuesAsString("name")).contains("order", "document-signing");
        JsonNode ship = null;
        for (var step : definitions.at("/steps")) {
            if (step.at("/name").asString().equals("shopSteps.ship")) {
                ship = step;
            }
        }
        assertThat(ship).isNotNull();
        assertThat(ship.at("/kind").asString()).isEqualTo("COMPENSATABLE");
        assertThat(ship.at("/compensation").asString()).contains("voidLabel");
        assertThat(ship.at("/retry/order/maxRetries").asInt()).as("from @Step(maxRetries = 2)").isEqualTo(2);
    }

    @Test
    void retriesAFailedSagaAfterTheCauseWasFixed() throws Exception {
        var steps = node.getBean(ShopSteps.class);
        steps.failShipmentsOf("retry-1");
        steps.failRefundsOf("retry-1");
        var id = client.start("order", new Order("retry-1", 4));
        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status() == SagaStatus.FAILED);

        steps.healRefundsOf("retry-1");
        var retried = post("/sagas/" + id + "/retry", "{}");

        assertThat(retried.statusCode()).isEqualTo(202);
        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status() == SagaStatus.COMPENSATED);
        assertThat(post("/sagas/" + id + "/retry", "{}").statusCode()).as("not FAILED any more").isEqualTo(409);
        assertThat(post("/sagas/" + UUID.randomUUID() + "/retry", "{}").statusCode()).isEqualTo(404);
    }

    @Test
    void cancelsAWaitingSagaAndRefusesToCancelItTwice() throws Exception {
        var id = client.start("reserve-and-wait", "ops-cancel");
        DurableWaitTests.awaitWaiting(node, id, StepKind.SIGNAL, 1);

        assertThat(post("/sagas/" + id + "/cancel", "{\"reason\": \"ops\"}").statusCode()).isEqualTo(202);

        await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status() == SagaStatus.CANCELLED);
        assertThat(client.find(id).orElseThrow().error()).isEqualTo("Cancelled: ops");
        assertThat(post("/sagas/" + id + "/cancel", "{}").statusCode()).isEqualTo(409);
    }

    @Test
    void signalsASagaAndAnswersBadSignals() throws Exception {
        var id = client.start("document-signing", "ops-signal");
        DurableWaitTests.awaitWaiting(node, id, StepKind.SIGNAL, 1);

        assertThat(post("/sagas/" + id + "/signal", "{\"payload\": \"{}\"}").statusCode())
                .as("no signal name").isEqualTo(400);
        assertThat(post("/sagas/" + id + "/signal", "{\"signal\": \"signed\", \"payload\": \"{by: Ops\"}").statusCode())
                .as("payload is not JSON").isEqualTo(400);
        var signalled = post("/sagas/" + id + "/signal",
                "{\"signal\": \"signed\", \"payload\": \"{\\\"by\\\": \\\"Ops\\\"}\"}");
        assertThat(signalled.statusCode()).as(signalled.body()).isEqualTo(202);

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("signed by Ops");
        assertThat(post("/sagas/" + id + "/signal", "{\"signal\": \"signed\"}").statusCode()).isEqualTo(409);
        assertThat(post("/sagas/" + id + "/dance", "{}").statusCode()).isEqualTo(400);
        assertThat(post("/sagas/" + id + "/signal", "not json").statusCode()).isEqualTo(400);
    }

    @Test
    void theTriageViewShowsWhatAnUnfinishedSagaWaitsForAndFindsTheWaitingTheRetryingAndTheStuck() throws Exception {
        var retrying = client.start("flaky", "triage-retry");
        var waiting = client.start("reserve-and-wait", "triage-wait");
        await().atMost(WAIT).until(() -> pending(retrying) != null && pending(retrying).attempts() == 1
                && client.find(retrying).orElseThrow().progress().claimedBy() == null);
        DurableWaitTests.awaitWaiting(node, waiting, StepKind.SIGNAL, 1);

        var retry = client.find(retrying).orElseThrow().progress();
        var step = retry.pending(); // "retry 2 of 4 at until": @Step(maxRetries = 3)
        assertThat(List.of(step.seq(), step.kind(), step.name(), step.status(), step.attempts(), step.maxAttempts()))
                .containsExactly(0, "STEP", "flakySteps.alwaysFails", "RETRYING", 1, 4);
        assertThat(step.until()).isBetween(step.since().plus(Duration.ofMinutes(59)),
                step.since().plus(HOUR_AND_A_BIT));
        assertThat(retry.dueAt()).as("unclaimed: when it is due")
                .isCloseTo(step.until(), within(1, ChronoUnit.SECONDS));
        assertThat(retry.recoveries()).isZero();
        assertThat(retry.stuck()).isFalse();
        var wait = client.find(waiting).orElseThrow().progress();
        var signal = wait.pending(); // "waiting for signal confirmed since T, until U"
        assertThat(List.of(signal.seq(), signal.kind(), signal.name(), signal.status(), signal.attempts()))
                .containsExactly(2, "SIGNAL", "confirmed", "WAITING", 0);
        assertThat(signal.maxAttempts()).isNull();
        assertThat(signal.until()).isCloseTo(signal.since().plus(Duration.ofDays(2)), within(1, ChronoUnit.SECONDS));
        assertThat(wait.claimedBy()).isNull();

        var waitingPage = body(get("/sagas?condition=WAITING&size=200"));
        assertThat(ids(waitingPage)).contains(waiting.toString()).doesNotContain(retrying.toString());
        assertThat(ids(body(get("/sagas?condition=RETRYING&size=200"))))
                .contains(retrying.toString()).doesNotContain(waiting.toString());
        var detail = body(get("/sagas/" + waiting)).at("/saga/progress");
        assertThat(detail.at("/pending/status").asString()).isEqualTo("WAITING");
        assertThat(detail.at("/pending/until").asString()).isNotEmpty();
        assertThat(detail.has("claimedBy")).as("null fields are left out").isFalse();
        assertThat(detail.at("/pending").has("maxAttempts")).isFalse();
        assertThat(body(get("/sagas/" + retrying)).at("/saga/progress/pending/maxAttempts").asInt()).isEqualTo(4);
        var finished = client.start("order", new Order("triage-done", 1));
        client.awaitResult(finished, String.class, WAIT);
        assertThat(client.find(finished).orElseThrow().progress()).as("a finished saga has none").isNull();
        assertThat(get("/sagas?condition=LATE").statusCode()).isEqualTo(400);

        var dispatcher = node.getBean(SagaDispatcher.class);
        dispatcher.stop();
        try {
            assertThat(ids(body(get("/sagas?condition=STUCK&size=200")))).doesNotContain(retrying.toString());
            // due an hour from now, then unclaimed for longer than a lease: no node polls
            clock.advance(Duration.ofHours(1).plusMinutes(1));
            assertThat(client.find(retrying).orElseThrow().progress().stuck()).isTrue();
            assertThat(ids(body(get("/sagas?condition=STUCK&size=200"))))
                    .contains(retrying.toString()).doesNotContain(waiting.toString());
            assertThat(ids(body(get("/sagas?runningLongerThan=PT1H&size=200"))))
                    .contains(retrying.toString(), waiting.toString()).doesNotContain(finished.toString());
            assertThat(client.list(SagaQuery.all().withRunningLongerThan(Duration.ofHours(2))).sagas())
                    .extracting(SagaView::id).doesNotContain(retrying, waiting);
            // claimed by a node that died: its lease ran out
            TestEngine.jdbc(node).update(
                    "update saga.saga_outbox set claimed_by = 'gone-node', due_at = ? where saga_id = ?",
                    Timestamp.from(clock.instant().minusSeconds(1)), waiting);
            var abandoned = client.find(waiting).orElseThrow().progress();
            assertThat(abandoned.claimedBy()).isEqualTo("gone-node");
            assertThat(abandoned.stuck()).isTrue();
            assertThat(client.list(SagaQuery.all().withCondition(SagaQuery.Condition.STUCK)).sagas())
                    .extracting(SagaView::id).contains(waiting);
        } finally {
            dispatcher.start();
        }
        client.cancel(retrying, "triage test done");
        await().atMost(WAIT).until(() -> client.find(retrying).orElseThrow().status().isTerminal());
    }

    private static SagaView.@Nullable Pending pending(UUID id) {
        var progress = client.find(id).orElseThrow().progress();
        return progress == null ? null : progress.pending();
    }

    private static List<String> ids(JsonNode page) {
        return page.at("/page/sagas").findValuesAsString("id");
    }

    @Test
    void countsAndTimesCompletedCompensatedAndFailedSagasInTheMetrics() {
        var steps = node.getBean(ShopSteps.class);
        steps.failShipmentsOf("metrics-2");
        steps.failShipmentsOf("metrics-3");
        steps.failRefundsOf("metrics-3");
        var completed = client.start("order", new Order("metrics-1", 1));
        var compensated = client.start("order", new Order("metrics-2", 1));
        var failed = client.start("order", new Order("metrics-3", 1));
        for (var id : List.of(completed, compensated, failed)) {
            await().atMost(WAIT).until(() -> client.find(id).orElseThrow().status().isTerminal());
        }

        var meters = node.getBean(MeterRegistry.class);
        assertThat(meters.get("saga.started").tag("saga", "order").counter().count()).isGreaterThanOrEqualTo(3);
        for (var outcome : List.of("completed", "compensated", "failed")) {
            assertThat(meters.get("saga.finished").tags("saga", "order", "outcome", outcome).counter().count())
                    .as(outcome).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("saga.duration").tags("saga", "order", "outcome", outcome).timer().count())
                    .isGreaterThanOrEqualTo(1);
        }
        // each attempt timed once, by its observation: with its outcome, and the error's type when it failed
        assertThat(meters.get("saga.step").tags("saga", "order", "step", "shopSteps.charge", "outcome", "completed",
                "error", "none").timer().count()).isGreaterThanOrEqualTo(3);
        assertThat(meters.get("saga.step").tags("saga", "order", "step", "shopSteps.ship", "outcome", "retrying")
                .timer().count()).as("2 retries each").isGreaterThanOrEqualTo(4);
        assertThat(meters.get("saga.step").tags("saga", "order", "step", "shopSteps.ship", "outcome", "failed")
                .timer().count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("saga.step").tags("outcome", "failed").timer().getId().getTag("error"))
                .isNotEqualTo("none");
        assertThat(meters.find("saga.step.duration").meters()).as("a second timer of the same attempts").isEmpty();
        assertThat(meters.get("saga.run").tags("saga", "order").timer().count()).isGreaterThanOrEqualTo(3);
        assertThat(meters.get("saga.step.retries").tags("saga", "order", "step", "shopSteps.ship").counter().count())
                .as("2 retries each").isGreaterThanOrEqualTo(4);
        assertThat(meters.get("saga.instances").tag("status", "failed").gauge().value()).isGreaterThanOrEqualTo(1);
        assertThat(meters.get("saga.backlog").gauge().value()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void healthIsDownWhileTheDispatcherIsStoppedAndUpAgainAfterItRestarts() throws Exception {
        assertThat(get("/health/sagas").statusCode()).isEqualTo(200);
        assertThat(body(get("/health/sagas")).at("/details/backlog").isNumber()).isTrue();
        var dispatcher = node.getBean(SagaDispatcher.class);

        dispatcher.stop();
        try {
            var down = get("/health/sagas");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(body(down).at("/status").asString()).isEqualTo("DOWN");
            assertThat(body(down).at("/details/dispatcher").asString()).isEqualTo("stopped");
        } finally {
            dispatcher.start();
        }
        await().atMost(WAIT).until(() -> get("/health/sagas").statusCode() == 200);
        assertThat(body(get("/health/sagas")).at("/status").asString()).isEqualTo("UP");
    }

    @Test
    void retentionDeletesExactlyTheFinishedSagasPastTheirAge() {
        try (var local = new TestEngine()) {
            var localClock = new MovableClock();
            var localNode = local.startNode(List.of(ShopConfiguration.class, WaitingConfiguration.class), List.of(
                    "saga.retention.completed=7d", "saga.retention.compensated=30d"), context -> {
                        context.getBeanFactory().registerSingleton("sagaClock", localClock.asSagaClock());
                        context.getBeanFactory().registerSingleton("gate", DurableWaitTests.openGate());
                    });
            var localClient = TestEngine.client(localNode);
            localNode.getBean(ShopSteps.class).failShipmentsOf("kept-compensated");
            var completed = localClient.start("order", new Order("gone-completed", 1));
            var compensated = localClient.start("order", new Order("kept-compensated", 1));
            var waiting = localClient.start("reserve-and-wait", "kept-waiting");
            await().atMost(WAIT).until(() -> localClient.find(completed).orElseThrow().status().isTerminal()
                    && localClient.find(compensated).orElseThrow().status().isTerminal());
            DurableWaitTests.awaitWaiting(localNode, waiting, StepKind.SIGNAL, 1);
            var retention = localNode.getBean(RetentionJob.class);
            assertThat(retention.deleteExpired()).as("nothing is old yet").isZero();

            localClock.advance(Duration.ofDays(8));
            assertThat(retention.deleteExpired()).isEqualTo(1);

            assertThat(localClient.find(completed)).isEmpty();
            assertThat(Ledger.of(localNode).steps(completed)).as("its ledger went with it").isEmpty();
            assertThat(localClient.find(compensated)).isPresent();
            assertThat(localClient.find(waiting)).isPresent();

            localClock.advance(Duration.ofDays(30));
            localClient.signal(waiting, "confirmed", "late"); // still running: kept whatever its age
            assertThat(retention.deleteExpired()).isEqualTo(1);
            assertThat(localClient.find(compensated)).isEmpty();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) {
        return json.readTree(response.body());
    }
}
