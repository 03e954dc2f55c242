package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.fixtures.BadInputSagas;
import dev.saga.fixtures.BadInputSagas.Circle;
import dev.saga.fixtures.BadInputSagas.ExplodingShape;
import dev.saga.fixtures.BadInputSagas.Shape;
import dev.saga.fixtures.BadInputSagas.Unwritable;
import dev.saga.fixtures.Journal;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/**
 * Bad input is refused where it is given, with a message that names the problem, and leaves
 * nothing stored half-way: every test counts the rows of the engine's tables.
 */
class BadInputTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LIMIT = 10 * 1024;
    private static final String NUL = "\u0000";
    private static final String NUL_ADVICE = "it contains the character U+0000, which PostgreSQL cannot store in jsonb";
    private static final HttpClient http = HttpClient.newHttpClient();
    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static SagaClient client;
    private static Journal journal;
    private static JdbcTemplate jdbc;
    private static Ledger ledger;
    private static String base;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        node = engine.startWebNode(List.of(BadInputSagas.Config.class), List.of(
                "saga.max-payload-size=10KB", "management.endpoints.web.exposure.include=sagas"), context -> {
                });
        client = TestEngine.client(node);
        journal = node.getBean(Journal.class);
        jdbc = TestEngine.jdbc(node);
        ledger = Ledger.of(node);
        base = "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort() + "/actuator";
    }

    @AfterAll
    static void stopNode() {
        engine.close();
    }

    @Test
    void refusesAnUnknownSagaNameOrClassNamingItAndTheKnownSagas() {
        var before = quietRows();

        assertThatThrownBy(() -> client.start("no-such-saga", "x", StartOptions.businessKey("unknown-1")))
                .isInstanceOf(UnknownSagaException.class)
                .hasMessageContaining("'no-such-saga'").hasMessageContaining("echo").hasMessageContaining("await-go");
        assertThatThrownBy(() -> client.start(String.class, "x", StartOptions.defaults()))
                .isInstanceOf(UnknownSagaException.class).hasMessageContaining("java.lang.String is not a @Saga bean");
        assertThatThrownBy(() -> client.signal("no-such-saga", "key", "go", "x"))
                .isInstanceOf(UnknownSagaException.class).hasMessageContaining("'no-such-saga'");

        assertThat(rows()).as("nothing stored").isEqualTo(before);
    }

    @Test
    void refusesAtStartAnInputThatCannotBeWrittenAsJson() {
        var before = quietRows();

        assertThatThrownBy(() -> client.start("takes-shape", new ExplodingShape(2), StartOptions.businessKey("explode")))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageContaining("input of saga 'takes-shape'")
                .hasMessageContaining(ExplodingShape.class.getName() + " cannot be written as JSON")
                .hasMessageContaining("corners cannot be counted");

        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void refusesAtStartAnInputThatCannotBeReadBackAsTheSagasInputType() {
        var before = quietRows();

        assertThatThrownBy(() -> client.start("takes-shape", new Circle(2)))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageContaining("input of saga 'takes-shape'")
                .hasMessageContaining("not read back as " + Shape.class.getName());

        assertThat(rows()).as("not stored to fail at its first run").isEqualTo(before);
    }

    @Test
    void refusesAtStartAnInputThatWouldLoseAFieldOnItsWayThroughJsonNamingTheField() {
        var before = quietRows();

        assertThatThrownBy(() -> client.start("takes-opaque", BadInputSagas.Opaque.of("ref-1")))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageContaining("input of saga 'takes-opaque'")
                .hasMessageContaining("field 'reference' (of " + BadInputSagas.Opaque.class.getName()
                        + ") reads back as null (written as a value)");

        assertThat(rows()).as("not stored to run with {}").isEqualTo(before);
    }

    @Test
    void refusesAtStartAnInputOverTheSizeLimitNamingItsSizeAndTheLimit() {
        var before = quietRows();

        assertThatThrownBy(() -> client.start("echo", "x".repeat(LIMIT), StartOptions.businessKey("too-big")))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageContaining("input of saga 'echo'")
                .hasMessageContaining((LIMIT + 2) + " bytes of JSON, over the limit of " + LIMIT + " bytes")
                .hasMessageContaining("saga.max-payload-size");
        assertThat(rows()).isEqualTo(before);

        var fits = client.start("echo", "x".repeat(LIMIT - 2), StartOptions.businessKey("too-big"));
        assertThat(client.awaitResult(fits, String.class, WAIT)).hasSize(LIMIT - 2);
    }

    @Test
    void failsAStepWhoseArgumentsCannotBeStoredBeforeItRunsAndCompensatesTheStepsBefore() {
        var id = client.start("passes-unwritable", "args-1");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).startsWith(SagaPayloadException.class.getName() + ": ")
                            .contains("arguments of step 'badSteps.send': argument 1 of 1, a "
                                    + Unwritable.class.getName() + " cannot be written as JSON")
                            .contains("the secret of args-1 stays in memory");
                });
        assertThat(journal.of("args-1")).as("the step never ran").containsExactly("reserve", "release res-args-1");
        assertThat(ledger.steps(id)).as("no ledger row for the step").extracting(StepRecord::kind, StepRecord::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StepKind.STEP, "badSteps.reserve"),
                        org.assertj.core.groups.Tuple.tuple(StepKind.COMPENSATION, "badSteps.reserve"));
    }

    @Test
    void failsAStepWhoseResultCannotBeWrittenAtOnceWithoutRetryingIt() {
        var id = client.start("returns-unwritable", "result-1");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("result of step 'badSteps.fetch'")
                            .contains(Unwritable.class.getName() + " cannot be written as JSON");
                });
        assertThat(journal.of("result-1")).as("run once, not retried; it may have taken effect, so it is undone")
                .containsExactly("reserve", "fetch", "unfetch", "release res-result-1");
        var fetch = ledger.steps(id).get(1);
        assertThat(fetch.status()).isEqualTo(StepStatus.FAILED);
        assertThat(fetch.attemptCount()).isEqualTo(1);
        assertThat(fetch.result()).as("nothing half-stored").isNull();
        assertThat(fetch.error()).contains("result of step 'badSteps.fetch'");
    }

    @Test
    void rollsBackATransactionalStepWhoseResultCannotBeReadBackAsItsReturnType() {
        var id = client.start("returns-shape", "shape-1");

        assertThatThrownBy(() -> client.awaitResult(id, Double.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("result of step 'badSteps.draw'")
                            .contains("not read back as " + Shape.class.getName());
                });
        assertThat(jdbc.queryForObject("select count(*) from test_effect where saga_key = 'shape-1'", Integer.class))
                .as("its effect rolled back with the refused record").isZero();
        assertThat(journal.of("shape-1")).as("tried once; rolled back, so not compensated")
                .containsExactly("reserve", "draw", "release res-shape-1");
        assertThat(ledger.steps(id).get(1).attemptCount()).isEqualTo(1);
    }

    @Test
    void failsAStepWhoseResultIsOverTheSizeLimit() {
        var id = client.start("returns-too-much", "much-1");

        assertThatThrownBy(() -> client.awaitResult(id, Integer.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("result of step 'badSteps.download'")
                            .contains("20002 bytes of JSON, over the limit of " + LIMIT + " bytes")
                            .contains("saga.max-payload-size");
                });
        assertThat(journal.of("much-1")).containsExactly("reserve", "download", "release res-much-1");
        assertThat(ledger.steps(id).get(1).result()).isNull();
    }

    @Test
    void failsASagaWhoseOutputIsOverTheSizeLimit() {
        var id = client.start("output-too-large", "output-1");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("output of saga output-too-large")
                            .contains("over the limit of " + LIMIT + " bytes");
                });
        assertThat(client.find(id).orElseThrow().output()).isNull();
        assertThat(journal.of("output-1")).containsExactly("reserve", "release res-output-1");
    }

    @Test
    void refusesASignalPayloadOverTheSizeLimitAndStoresNothing() {
        var id = client.start("await-go", "signal-big");
        awaitWaiting(id);
        var before = rows();

        assertThatThrownBy(() -> client.signal(id, "go", "z".repeat(LIMIT)))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageContaining("payload of signal 'go'").hasMessageContaining("saga.max-payload-size");

        assertThat(rows()).isEqualTo(before);
        assertThat(client.signal(id, "go", "small")).isEqualTo(SignalResult.DELIVERED);
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("small");
    }

    @Test
    void refusesSignalsAndCancelsForUnknownSagasNamingWhatIsUnknown() {
        var before = quietRows();
        var unknown = UUID.randomUUID();

        assertThatThrownBy(() -> client.signal(unknown, "go", "x"))
                .isInstanceOf(UnknownSagaException.class).hasMessage("No saga with id " + unknown);
        assertThatThrownBy(() -> client.signal("await-go", "no-such-key", "go", "x"))
                .isInstanceOf(UnknownSagaException.class).hasMessageContaining("'await-go'")
                .hasMessageContaining("'no-such-key'");
        assertThatThrownBy(() -> client.cancel(unknown, "why"))
                .isInstanceOf(UnknownSagaException.class).hasMessage("No saga with id " + unknown);
        assertThatThrownBy(() -> client.retry(unknown))
                .isInstanceOf(UnknownSagaException.class).hasMessage("No saga with id " + unknown);

        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void refusesSignalsAndCancelsForAFinishedSagaAndStoresNothing() {
        var id = client.start("echo", "finished-1");
        client.awaitResult(id, String.class, WAIT);
        var before = quietRows();

        assertThat(client.signal(id, "go", "late")).isEqualTo(SignalResult.SAGA_FINISHED);
        assertThatThrownBy(() -> client.cancel(id, "too late"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Saga " + id + " has finished (COMPLETED); there is nothing to cancel");
        assertThatThrownBy(() -> client.retry(id))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("COMPLETED");

        assertThat(rows()).isEqualTo(before);
        assertThat(ledger.instance(id).cancelReason()).isNull();
    }

    @Test
    void startsExactlyOneSagaWhenManyThreadsStartWithOneBusinessKeyAtOnce() throws Exception {
        int threads = 8;
        var ready = new CountDownLatch(threads);
        var go = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(threads);
        var ids = new ArrayList<Future<UUID>>();
        try {
            for (int i = 0; i < threads; i++) {
                int n = i;
                Callable<UUID> start = () -> {
                    ready.countDown();
                    go.await();
                    return client.start("echo", "racer-" + n, StartOptions.businessKey("one-key"));
                };
                ids.add(pool.submit(start));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            var first = ids.get(0).get(20, TimeUnit.SECONDS);
            for (var id : ids) {
                assertThat(id.get(20, TimeUnit.SECONDS)).isEqualTo(first);
            }
            var output = client.awaitResult(first, String.class, WAIT);
            assertThat(output).startsWith("racer-");
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.instancesWithBusinessKey("one-key")).isEqualTo(1);
    }

    @Test
    void answersEveryEndpointOperationWith400Or404ForBadIdsAndBodiesAndStoresNothing() throws Exception {
        var waiting = client.start("await-go", "endpoint-1");
        awaitWaiting(waiting);
        var unknown = UUID.randomUUID();
        var before = quietRows();

        // read operations
        assertError(get("/sagas/not-a-uuid"), 400, "Not a saga id: 'not-a-uuid'");
        assertError(get("/sagas/" + unknown), 404, "No saga with id " + unknown);
        assertThat(get("/sagas?status=NOT_A_STATUS").statusCode()).isEqualTo(400);
        assertError(get("/sagas?page=-1"), 400, "page");
        assertError(get("/sagas?size=0"), 400, "size");
        assertThat(get("/sagas?from=yesterday").statusCode()).isEqualTo(400);
        assertThat(get("/sagas/definitions").statusCode()).isEqualTo(200);
        // write operations
        for (var action : List.of("retry", "cancel", "signal")) {
            var body = action.equals("signal") ? "{\"signal\": \"go\"}" : "{}";
            assertError(post("/sagas/not-a-uuid/" + action, body), 400, "Not a saga id: 'not-a-uuid'");
            assertError(post("/sagas/" + unknown + "/" + action, body), 404, "No saga with id " + unknown);
            assertThat(post("/sagas/" + waiting + "/" + action, "{\"reason\": ").statusCode())
                    .as("malformed JSON for " + action).isEqualTo(400);
            assertThat(post("/sagas/" + waiting + "/" + action, "[1, 2]").statusCode())
                    .as("not a JSON object for " + action).isEqualTo(400);
        }
        assertError(post("/sagas/" + waiting + "/dance", "{}"), 400, "Unknown action 'dance'");
        assertError(post("/sagas/" + waiting + "/signal", "{\"payload\": \"1\"}"), 400, "signal's name");
        assertError(post("/sagas/" + waiting + "/signal", "{\"signal\": \"go\", \"payload\": \"{oops\"}"), 400,
                "\\\"payload\\\" must be JSON");
        assertError(post("/sagas/" + waiting + "/signal", "{\"signal\": \"go\", \"payload\": \"\\\""
                + "w".repeat(LIMIT) + "\\\"\"}"), 400, "over the limit of " + LIMIT + " bytes");
        assertError(post("/sagas/" + waiting + "/retry", "{}"), 409, "only FAILED and PARKED");

        assertThat(rows()).as("nothing stored").isEqualTo(before);
        assertThat(client.find(waiting).orElseThrow().status()).isEqualTo(SagaStatus.RUNNING);
        assertThat(ledger.instance(waiting).cancelReason()).isNull();
    }

    @Test
    void refusesAtStartAnInputWithU0000AndLeavesTheCallersTransactionUsable() {
        var before = quietRows();

        var refused = inCallersTransaction("nul-start", () -> client.start("echo", "a" + NUL + "b"));

        assertThat(refused).isInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store input of saga 'echo': " + NUL_ADVICE)
                .hasMessageContaining("remove or replace it");
        assertThat(rows()).isEqualTo(before);
        assertThat(effects("nul-start")).as("the caller's transaction committed").isEqualTo(1);
    }

    @Test
    void storesTheTextBackslashU0000WhichIsNoU0000() {
        var text = "C:\\u0000dir and \\\\u0000";

        var id = client.start("echo", text);

        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo(text);
    }

    @Test
    void refusesBusinessKeysSignalNamesAndCancelReasonsWithU0000NamingTheParameter() {
        var id = client.start("await-go", "nul-text");
        awaitWaiting(id);
        var before = rows();

        assertThat(inCallersTransaction("nul-key", () -> client.start("echo", "x", StartOptions.businessKey("k" + NUL))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("businessKey")
                .hasMessageContaining("U+0000");
        assertThat(inCallersTransaction("nul-name", () -> client.signal(id, "g" + NUL + "o", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signalName")
                .hasMessageContaining("U+0000");
        assertThat(inCallersTransaction("nul-by-key", () -> client.signal("await-go", "k" + NUL, "go", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("businessKey")
                .hasMessageContaining("U+0000");
        assertThat(inCallersTransaction("nul-reason", () -> {
            client.cancel(id, "because" + NUL);
            return null;
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason").hasMessageContaining("U+0000");

        assertThat(rows()).isEqualTo(before);
        assertThat(List.of(effects("nul-key"), effects("nul-name"), effects("nul-by-key"), effects("nul-reason")))
                .as("every caller's transaction committed").containsOnly(1);
        assertThat(client.signal(id, "go", "clean")).isEqualTo(SignalResult.DELIVERED);
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("clean");
    }

    @Test
    void refusesASignalPayloadWithU0000AndLeavesTheCallersTransactionUsable() throws Exception {
        var id = client.start("await-go", "nul-signal");
        awaitWaiting(id);
        var before = rows();

        assertThat(inCallersTransaction("nul-signal", () -> client.signal(id, "go", "a" + NUL)))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store payload of signal 'go': " + NUL_ADVICE);
        assertError(post("/sagas/" + id + "/signal", "{\"signal\": \"go\", \"payload\": \"\\\"a\\\\u0000\\\"\"}"),
                400, "Cannot store payload of signal 'go': it contains the character U+0000");
        assertError(post("/sagas/" + id + "/cancel", "{\"reason\": \"a\\u0000\"}"), 400,
                "reason contains the character U+0000");

        assertThat(rows()).isEqualTo(before);
        assertThat(effects("nul-signal")).as("the caller's transaction committed").isEqualTo(1);
        assertThat(client.signal(id, "go", "clean")).isEqualTo(SignalResult.DELIVERED);
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("clean");
    }

    @Test
    void failsAStepWhoseArgumentsHaveU0000BeforeItRunsAndCompensatesTheStepsBefore() {
        var id = client.start("passes-nul", "nul-args");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("Cannot store arguments of step 'badSteps.note': argument 2"
                            + " of 2, " + NUL_ADVICE);
                });
        assertThat(journal.of("nul-args")).as("the step never ran").containsExactly("reserve", "release res-nul-args");
        assertThat(ledger.steps(id)).as("no ledger row for the step").extracting(StepRecord::name)
                .containsExactly("badSteps.reserve", "badSteps.reserve");
    }

    @Test
    void failsAStepWhoseResultHasU0000AtOnceWithoutRetryingIt() {
        var id = client.start("returns-nul", "nul-result");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("Cannot store result of step 'badSteps.label': " + NUL_ADVICE);
                });
        assertThat(journal.of("nul-result")).as("run once, not retried; it may have taken effect, so it is undone")
                .containsExactly("reserve", "label", "unlabel", "release res-nul-result");
        var label = ledger.steps(id).get(1);
        assertThat(label.status()).isEqualTo(StepStatus.FAILED);
        assertThat(label.attemptCount()).isEqualTo(1);
        assertThat(label.result()).isNull();
    }

    @Test
    void retriesAStepWhoseExceptionMessageHasU0000ByItsPolicyAndRecordsTheMessageWithTheEscape() {
        var id = client.start("fails-nul", "nul-error");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("unreadable byte \\u0000 in nul-error");
                });
        assertThat(journal.of("nul-error")).as("three attempts (maxRetries = 2), then undone")
                .containsExactly("reserve", "scan", "scan", "scan", "unscan", "release res-nul-error");
        var scan = ledger.steps(id).get(1);
        assertThat(scan.status()).isEqualTo(StepStatus.FAILED);
        assertThat(scan.attemptCount()).isEqualTo(3);
        assertThat(scan.error()).isEqualTo("java.lang.IllegalStateException: unreadable byte \\u0000 in nul-error");
        assertThat(scan.attempts()).extracting(attempt -> attempt.error()).containsOnly(scan.error());
    }

    @Test
    void compensatesASagaThatFailsWithU0000InItsExceptionMessage() {
        var id = client.start("throws-nul", "nul-saga");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).isEqualTo("java.lang.IllegalStateException: saga broke on \\u0000"
                            + " for nul-saga");
                });
        assertThat(journal.of("nul-saga")).containsExactly("reserve", "release res-nul-saga");
    }

    @Test
    void failsASagaWhoseOutputHasU0000() {
        var id = client.start("output-nul", "nul-output");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("Cannot store output of saga output-nul: " + NUL_ADVICE);
                });
        assertThat(client.find(id).orElseThrow().output()).isNull();
        assertThat(journal.of("nul-output")).containsExactly("reserve", "release res-nul-output");
    }

    @Test
    void failsASagaThatContinuesAsNewWithAnInputThatHasU0000() {
        var id = client.start("continues-nul", "nul-continue");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("Cannot store input of saga continues-nul: " + NUL_ADVICE);
                });
        assertThat(journal.of("nul-continue")).containsExactly("reserve", "release res-nul-continue");
        assertThat(ledger.instance(id).run()).as("the run did not continue").isEqualTo(1);
    }

    @Test
    void failsASagaThatWaitsForASignalWhoseNameHasU0000() {
        var id = client.start("awaits-nul-name", "nul-wait");

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("IllegalArgumentException").contains("signalName")
                            .contains("U+0000");
                });
        assertThat(journal.of("nul-wait")).containsExactly("reserve", "release res-nul-wait");
    }

    /**
     * Runs the call in a transaction of the caller's that also writes a row of its own, and commits
     * it; returns what the call threw (caught by the caller), or null.
     */
    private static Throwable inCallersTransaction(String key, Callable<?> call) {
        var thrown = new Throwable[1];
        new TransactionTemplate(node.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
            jdbc.update("insert into test_effect (saga_key, step) values (?, 'caller')", key);
            try {
                call.call();
            } catch (Exception refused) {
                thrown[0] = refused;
            }
        });
        return thrown[0];
    }

    private static int effects(String key) {
        return jdbc.queryForObject("select count(*) from test_effect where saga_key = ?", Integer.class, key);
    }

    private static void assertError(HttpResponse<String> response, int status, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(message);
    }

    /** Row counts of the engine's tables. */
    private static Map<String, Long> rows() {
        return ledger.rowCounts();
    }

    /** The row counts once no saga runs or is due (waiting ones wait a day), so they stay put. */
    private static Map<String, Long> quietRows() {
        await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from saga.saga_outbox"
                + " where claimed_by is not null or due_at <= now() + interval '1 second'", Integer.class) == 0);
        return rows();
    }

    private static void awaitWaiting(UUID id) {
        await().atMost(WAIT).until(() -> ledger.steps(id).stream().anyMatch(row -> row.kind() == StepKind.SIGNAL
                && row.status() == StepStatus.RETRYING) && ledger.hasUnclaimedWork(id));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
