package dev.saga.internal.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.saga.SagaStatus;
import dev.saga.internal.codec.TraceContext;
import dev.saga.spi.SagaListener;

/** Hands engine events to every {@link SagaListener}, and wraps runs and steps in observations. */
public final class SagaEvents {

    private static final Logger log = LoggerFactory.getLogger(SagaEvents.class);

    /** The observations (and, with Boot's default handlers, the timers) and their keys. */
    static final String START = "saga.start";
    static final String RUN = "saga.run";
    static final String STEP = "saga.step";
    static final String SAGA_KEY = "saga";
    static final String STEP_KEY = "step";
    static final String OUTCOME_KEY = "outcome";
    static final String COMPLETED = "completed";

    /** No listeners, no observations. */
    public static final SagaEvents NONE = new SagaEvents(List::of, ObservationRegistry.NOOP);

    private final Supplier<List<SagaListener>> listenerSource;
    private final ObservationRegistry observations;
    private volatile @Nullable List<SagaListener> listeners;

    /**
     * @param listeners looked up on first use, not before: listeners may depend on beans that
     *     depend on this one (metrics read the {@code SagaClient})
     */
    public SagaEvents(Supplier<List<SagaListener>> listeners, ObservationRegistry observations) {
        this.listenerSource = listeners;
        this.observations = observations;
    }

    public void sagaStarted(String saga) {
        each(listener -> listener.sagaStarted(saga));
    }

    public void sagaFinished(String saga, SagaStatus outcome, Duration duration) {
        each(listener -> listener.sagaFinished(saga, outcome, duration));
    }

    public void stepAttempted(String saga, String step, SagaListener.StepOutcome outcome, Duration duration) {
        each(listener -> listener.stepAttempted(saga, step, outcome, duration));
    }

    /**
     * The start of a saga, as an observation ({@code saga.start}, a producer): with a tracer, its
     * span's context is injected as propagation headers, which {@code start} is given in the form
     * they are stored in ({@link TraceContext}; {@code null} without a tracer) to keep with the saga.
     */
    public <T> T observeStart(String saga, Function<@Nullable String, T> start) {
        var context = new SenderContext<Map<String, String>>((carrier, key, value) -> {
            if (carrier != null) {
                carrier.put(key, value);
            }
        }, Kind.PRODUCER);
        context.setCarrier(new LinkedHashMap<>());
        var observation = Observation.createNotStarted(START, () -> context, observations)
                .contextualName("start " + saga).lowCardinalityKeyValue(SAGA_KEY, saga).start();
        try (var scope = observation.openScope()) {
            var headers = context.getCarrier();
            return start.apply(headers == null ? null : TraceContext.encode(headers));
        } catch (RuntimeException error) {
            observation.error(error);
            throw error;
        } finally {
            observation.stop();
        }
    }

    /**
     * One run of a saga, as an observation ({@code saga.run}, a consumer) that continues the trace
     * the saga was started in, whose headers {@code traceContext} holds (see
     * {@link #observeStart}); returns how the run ended.
     */
    public <T> T observeRun(String saga, @Nullable String traceContext, Supplier<T> run) {
        var context = new ReceiverContext<Map<String, String>>((carrier, key) -> carrier.get(key), Kind.CONSUMER);
        context.setCarrier(TraceContext.decode(traceContext));
        return Observation.createNotStarted(RUN, () -> context, observations).contextualName("saga " + saga)
                .lowCardinalityKeyValue(SAGA_KEY, saga).observe(run);
    }

    /**
     * One attempt of a step, as an observation ({@code saga.step}): the only timer of step
     * attempts. Its {@code outcome} is {@code completed}, or what {@code outcomeOfFailure} names
     * for the error the attempt threw ({@code retrying}, {@code failed} or {@code stopped}).
     */
    public <T extends @Nullable Object> T observeStep(String saga, String step,
            Observation.CheckedCallable<T, Throwable> attempt, Function<Throwable, String> outcomeOfFailure)
            throws Throwable {
        var observation = Observation.createNotStarted(STEP, observations).contextualName("step " + step)
                .lowCardinalityKeyValue(SAGA_KEY, saga).lowCardinalityKeyValue(STEP_KEY, step).start();
        try (var scope = observation.openScope()) {
            T result = attempt.call();
            observation.lowCardinalityKeyValue(OUTCOME_KEY, COMPLETED);
            return result;
        } catch (Throwable error) {
            observation.lowCardinalityKeyValue(OUTCOME_KEY, outcomeOfFailure.apply(error));
            observation.error(error);
            throw error;
        } finally {
            observation.stop();
        }
    }

    private void each(java.util.function.Consumer<SagaListener> call) {
        var resolved = listeners;
        if (resolved == null) {
            resolved = List.copyOf(listenerSource.get());
            listeners = resolved;
        }
        for (var listener : resolved) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.warn("SagaListener {} failed: {}", listener.getClass().getName(), e.toString());
            }
        }
    }
}
