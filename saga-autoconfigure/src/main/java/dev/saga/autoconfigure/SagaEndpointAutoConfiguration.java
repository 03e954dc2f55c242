package dev.saga.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.actuate.SagaEndpoint;
import dev.saga.actuate.SagaEndpointWebExtension;

/** The {@code sagas} Actuator endpoint, when Actuator is present and the endpoint is exposed. */
@AutoConfiguration(after = SagaAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ SagaClient.class, SagaOperations.class })
@ConditionalOnAvailableEndpoint(SagaEndpoint.class)
@EnableConfigurationProperties(SagaEndpointProperties.class)
public final class SagaEndpointAutoConfiguration {

    /** Reads signal payloads with the application's JSON mapper, as the engine reads every payload. */
    @Bean
    @ConditionalOnMissingBean
    SagaEndpoint sagaEndpoint(SagaClient sagas, SagaOperations operations, ObjectProvider<JsonMapper> mappers,
            ObjectProvider<SanitizingFunction> sanitizingFunctions, SagaEndpointProperties properties) {
        var json = mappers.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build());
        return new SagaEndpoint(sagas, operations, json, sanitizingFunctions.orderedStream().toList(),
                properties.showValues());
    }

    @Bean
    @ConditionalOnBean(SagaEndpoint.class)
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
    SagaEndpointWebExtension sagaEndpointWebExtension(SagaEndpoint endpoint, SagaEndpointProperties properties) {
        return new SagaEndpointWebExtension(endpoint, properties.showValues(), properties.roles());
    }
}
