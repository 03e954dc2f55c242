package dev.saga.autoconfigure;

import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who sees the payloads in the {@code sagas} Actuator endpoint, under
 * {@code management.endpoint.sagas.*} (beside Actuator's own {@code access} and
 * {@code cache.time-to-live}).
 *
 * @param showValues When to show the payloads (saga inputs and outputs, step arguments and results,
 *     signal payloads) instead of ******: never, when-authorized or always. Errors are always shown.
 * @param roles Roles that may see the payloads when show-values is when-authorized; when empty,
 *     every authenticated user may.
 */
@ConfigurationProperties("management.endpoint.sagas")
public record SagaEndpointProperties(@DefaultValue("never") Show showValues, @DefaultValue Set<String> roles) {

    public SagaEndpointProperties {
        roles = Set.copyOf(roles);
    }
}
