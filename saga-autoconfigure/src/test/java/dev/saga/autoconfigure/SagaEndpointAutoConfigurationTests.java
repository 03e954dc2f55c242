package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.SignalResult;
import dev.saga.actuate.SagaEndpoint;
import dev.saga.actuate.SagaEndpointWebExtension;

/** When the {@code sagas} endpoint and its web extension are configured, and with what. */
class SagaEndpointAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SagaEndpointAutoConfiguration.class))
            .withUserConfiguration(Client.class);

    @Test
    void configuresTheEndpointAndItsWebExtensionWhenExposedOverHttp() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=sagas").run(context -> assertThat(context)
                .hasNotFailed().hasSingleBean(SagaEndpoint.class).hasSingleBean(SagaEndpointWebExtension.class));
    }

    @Test
    void configuresNothingWhenTheEndpointIsNotExposed() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SagaEndpoint.class)
                .doesNotHaveBean(SagaEndpointWebExtension.class));
    }

    @Test
    void configuresNoWebExtensionWhenTheEndpointIsExposedOverJmxOnly() {
        runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=sagas")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SagaEndpoint.class)
                        .doesNotHaveBean(SagaEndpointWebExtension.class));
    }

    @Test
    void configuresNothingWithoutASagaClient() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SagaEndpointAutoConfiguration.class))
                .withPropertyValues("management.endpoints.web.exposure.include=sagas")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SagaEndpoint.class));
    }

    @Test
    void hidesPayloadsByDefaultAndBindsShowValuesAndRoles() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=sagas").run(context -> {
            var properties = context.getBean(SagaEndpointProperties.class);
            assertThat(properties.showValues()).isEqualTo(Show.NEVER);
            assertThat(properties.roles()).isEmpty();
        });
        runner.withPropertyValues("management.endpoints.web.exposure.include=sagas",
                "management.endpoint.sagas.show-values=when-authorized",
                "management.endpoint.sagas.roles=saga-operator,admin").run(context -> {
                    var properties = context.getBean(SagaEndpointProperties.class);
                    assertThat(properties.showValues()).isEqualTo(Show.WHEN_AUTHORIZED);
                    assertThat(properties.roles()).isEqualTo(Set.of("saga-operator", "admin"));
                });
    }

    @Test
    void readsSignalPayloadsWithTheApplicationsJsonMapper() {
        runner.withUserConfiguration(LenientJson.class)
                .withPropertyValues("management.endpoints.web.exposure.include=sagas").run(context -> {
                    var client = context.getBean(SagaClient.class);
                    var id = UUID.randomUUID();
                    when(client.signal(eq(id), eq("signed"), any())).thenReturn(SignalResult.DELIVERED);

                    context.getBean(SagaEndpoint.class).signal(id, "signed", "{'by': 'Ada'}");

                    verify(client).signal(id, "signed",
                            (JsonNode) JsonMapper.builder().build().readTree("{\"by\": \"Ada\"}"));
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnEndpoint() {
        runner.withUserConfiguration(OwnEndpoint.class)
                .withPropertyValues("management.endpoints.web.exposure.include=sagas").run(context -> {
                    assertThat(context).hasNotFailed().getBean(SagaEndpoint.class)
                            .isSameAs(context.getBean(OwnEndpoint.class).endpoint);
                    assertThat(context).hasSingleBean(SagaEndpointWebExtension.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Client {

        @Bean
        SagaClient sagaClient() {
            return mock(SagaClient.class);
        }

        @Bean
        SagaOperations sagaOperations() {
            return mock(SagaOperations.class);
        }
    }

    /** An application mapper that reads what the default one refuses. */
    @Configuration(proxyBeanMethods = false)
    static class LenientJson {

        @Bean
        JsonMapper jsonMapper() {
            return JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEndpoint {
        final SagaEndpoint endpoint = mock(SagaEndpoint.class);

        @Bean
        SagaEndpoint sagaEndpoint() {
            return endpoint;
        }
    }
}
