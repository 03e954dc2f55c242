package dev.saga.autoconfigure;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.saga.SagaOperations;
import dev.saga.metrics.SagaMetrics;

/** Micrometer meters of sagas and steps, when a {@link MeterRegistry} is present. */
@AutoConfiguration(after = SagaAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, SagaOperations.class })
public class SagaMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SagaMetrics sagaMetrics(SagaOperations sagas) {
        return new SagaMetrics(sagas, Duration.ofSeconds(5));
    }
}
