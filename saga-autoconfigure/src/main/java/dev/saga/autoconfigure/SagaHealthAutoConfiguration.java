package dev.saga.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.saga.SagaOperations;
import dev.saga.actuate.SagaHealthIndicator;
import dev.saga.internal.dispatch.SagaDispatcher;

/** The {@code sagas} health indicator, when Spring Boot's health support is present. */
@AutoConfiguration(after = SagaAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({ SagaOperations.class, SagaDispatcher.class })
@ConditionalOnEnabledHealthIndicator("sagas")
public class SagaHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sagasHealthIndicator")
    SagaHealthIndicator sagasHealthIndicator(SagaOperations sagas, SagaDispatcher dispatcher,
            SagaProperties properties) {
        return new SagaHealthIndicator(sagas, dispatcher, new SagaHealthIndicator.Thresholds(
                properties.health().maxBacklog(), properties.health().maxOldestDueAge()));
    }
}
