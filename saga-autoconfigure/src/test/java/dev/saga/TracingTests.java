package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.fixtures.WaitingConfiguration;
import dev.saga.internal.ledger.StepKind;
import dev.saga.testsupport.TestEngine;

/**
 * A saga continues the trace of the request that started it: its start is a span of that trace,
 * every run (the first and each after a wait, whichever node makes it) a child of the start, with
 * its steps inside; the view shows the trace id. With Brave as a real tracer, as an application
 * with Micrometer Tracing has it.
 */
class TracingTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<MutableSpan> spans = new CopyOnWriteArrayList<>();
    private static Tracing tracing;
    private static BraveTracer tracer;
    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static SagaClient client;

    @BeforeAll
    static void startNode() {
        tracing = Tracing.newBuilder().localServiceName("shop")
                .currentTraceContext(ThreadLocalCurrentTraceContext.newBuilder().build())
                .addSpanHandler(new SpanHandler() {
                    @Override
                    public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                        spans.add(span);
                        return true;
                    }
                }).build();
        tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()),
                new BraveBaggageManager());
        var propagator = new BravePropagator(tracing);
        // as Boot's tracing auto-configuration groups them: the first handler that takes a context wins
        ObservationHandler<?> tracingHandlers = new FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer));
        engine = new TestEngine();
        node = engine.startNode(List.of(ShopConfiguration.class, WaitingConfiguration.class), List.of(),
                context -> {
                    context.getBeanFactory().registerSingleton("tracingHandlers", tracingHandlers);
                    context.getBeanFactory().registerSingleton("gate", DurableWaitTests.openGate());
                });
        client = TestEngine.client(node);
    }

    @AfterAll
    static void stopNode() {
        engine.close();
        tracing.close();
    }

    @Test
    void everyRunOfASagaContinuesTheTraceOfTheRequestThatStartedIt() {
        var request = tracer.nextSpan().name("POST /documents").start();
        UUID id;
        try (var inScope = tracer.withSpan(request)) {
            id = client.start("document-signing", "traced-contract");
        } finally {
            request.end();
        }
        var traceId = request.context().traceId();
        DurableWaitTests.awaitWaiting(node, id, StepKind.SIGNAL, 1);
        client.signal(id, "signed", new dev.saga.fixtures.WaitingSteps.Signature("Ada")); // from no trace at all
        assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("signed by Ada");

        assertThat(client.find(id).orElseThrow().traceId()).as("the view shows it").isEqualTo(traceId);
        var start = await().atMost(WAIT).until(() -> span("start document-signing", traceId), s -> s != null);
        assertThat(start.parentId()).as("a child of the request").isEqualTo(request.context().spanId());
        await().atMost(WAIT).until(() -> spans("saga document-signing", traceId).size() >= 2);
        assertThat(spans("saga document-signing", traceId)).as("the run before the wait and the one after it")
                .allSatisfy(run -> assertThat(run.parentId()).isEqualTo(start.id()));
        await().atMost(WAIT).until(() -> span("step waitingSteps.archive", traceId), s -> s != null);
    }

    @Test
    void aSagaStartedOutsideAnyTraceStartsATraceOfItsOwn() {
        var id = client.start("order", new Order("untraced", 1));
        client.awaitResult(id, String.class, WAIT);

        var traceId = client.find(id).orElseThrow().traceId();
        assertThat(traceId).isNotNull();
        var start = await().atMost(WAIT).until(() -> span("start order", traceId), s -> s != null);
        assertThat(start.parentId()).as("a root").isNull();
        await().atMost(WAIT).until(() -> span("saga order", traceId), s -> s != null);
    }

    private static MutableSpan span(String name, String traceId) {
        var found = spans(name, traceId);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<MutableSpan> spans(String name, String traceId) {
        return spans.stream().filter(span -> name.equals(span.name()) && traceId.equals(span.traceId())).toList();
    }
}
