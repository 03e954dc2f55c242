package dev.saga.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.actuate.SagaEndpoint;

/** The {@code sagas} Actuator endpoint, when Actuator is present and the endpoint is exposed. */
@AutoConfiguration(after = SagaAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ SagaClient.class, SagaOperations.class })
@ConditionalOnAvailableEndpoint(SagaEndpoint.class)
public class SagaEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SagaEndpoint sagaEndpoint(SagaClient sagas, SagaOperations operations) {
        return new SagaEndpoint(sagas, operations);
    }
}
