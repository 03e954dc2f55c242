package dev.saga.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.retry.SagaRetryLayers;

/**
 * The retry part of {@link SagaProperties} as the engine takes it: {@code saga.retry.*} becomes the
 * default policy; the per-saga and per-step layers are bound as the engine's own layer records
 * already, so only the map around them is built here.
 */
final class RetrySettingsMapper {

    private RetrySettingsMapper() {
    }

    static RetryPolicies retryPolicies(SagaProperties properties) {
        return new RetryPolicies(defaults(properties.retry()), layers(properties.sagas()));
    }

    /** The one place a {@code saga.retry.*} default turns into a policy value. */
    static RetryPolicy defaults(SagaProperties.Retry retry) {
        return new RetryPolicy(retry.maxRetries(), retry.delay(), retry.multiplier(), retry.maxDelay(),
                retry.jitter(), retry.includes(), retry.excludes(), retry.timeout());
    }

    static SagaRetryLayers layers(Map<String, SagaProperties.SagaSettings> sagas) {
        var bySaga = new HashMap<String, SagaRetryLayers.SagaLayers>();
        sagas.forEach((saga, settings) -> bySaga.put(saga,
                new SagaRetryLayers.SagaLayers(settings.retry(), settings.steps())));
        return new SagaRetryLayers(bySaga);
    }
}
