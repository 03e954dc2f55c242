package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.saga.internal.retry.RetryLayer;
import dev.saga.internal.retry.RetryPolicy;

/**
 * The retry keys bind as the engine's own records: {@code saga.retry.*} to the default policy,
 * {@code saga.sagas.*} straight to retry layers. Bound with Spring Boot's binder, without a context.
 */
class EngineSettingsTests {

    @Test
    void turnsTheDocumentedDefaultsIntoTheDefaultPolicy() {
        assertThat(EngineSettings.defaults(bind(Map.of()).retry())).isEqualTo(new RetryPolicy(3, Duration.ofSeconds(1), 2.0,
                Duration.ofMinutes(1), Duration.ofMillis(100), List.of(), List.of(), Duration.ZERO));
    }

    @Test
    void mapsEverySagaRetryKeyToItsPolicyValue() {
        var properties = bind(Map.of("saga.retry.max-retries", "5", "saga.retry.delay", "20ms",
                "saga.retry.multiplier", "1.5", "saga.retry.max-delay", "2s", "saga.retry.jitter", "0ms",
                "saga.retry.includes", "java.io.IOException", "saga.retry.excludes",
                "java.io.FileNotFoundException,java.lang.IllegalArgumentException", "saga.retry.timeout", "3s"));

        assertThat(EngineSettings.defaults(properties.retry())).isEqualTo(new RetryPolicy(5,
                Duration.ofMillis(20), 1.5, Duration.ofSeconds(2), Duration.ZERO, List.of(java.io.IOException.class),
                List.of(java.io.FileNotFoundException.class, IllegalArgumentException.class), Duration.ofSeconds(3)));
    }

    @Test
    void bindsPerSagaAndPerStepKeysAsLayersThatSetOnlyWhatIsGiven() {
        var properties = bind(Map.of("saga.sagas.order.retry.max-retries", "7",
                "saga.sagas.order.retry.excludes", "java.lang.IllegalStateException",
                "saga.sagas.order.steps.charge.delay", "5ms",
                "saga.sagas.order.steps.[payments.refund].multiplier", "1.0",
                "saga.sagas.order.deadline", "1h"));

        var order = properties.sagas().get("order");

        assertThat(order.retry()).isEqualTo(new RetryLayer(7, null, null, null, null, null,
                List.of(IllegalStateException.class), null));
        assertThat(order.steps()).containsOnly(
                Map.entry("charge", new RetryLayer(null, Duration.ofMillis(5), null, null, null, null, null, null)),
                Map.entry("payments.refund", new RetryLayer(null, null, 1.0, null, null, null, null, null)));
        assertThat(order.deadline()).isEqualTo(Duration.ofHours(1));
        assertThat(EngineSettings.layers(properties.sagas()).problems(List.of(), List.of()))
                .containsExactly("Configuration key saga.sagas.order names no saga; known sagas: []");
    }

    private static SagaProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("saga", SagaProperties.class);
    }
}
