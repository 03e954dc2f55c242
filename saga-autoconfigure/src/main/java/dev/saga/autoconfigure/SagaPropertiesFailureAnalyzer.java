package dev.saga.autoconfigure;

import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Explains keys under {@code saga.*} that name no setting (a misspelt key would otherwise leave its
 * default in force without a word): each key, where it was set, and the key it most likely meant.
 * Ahead of Boot's own analyzer of unbound keys, which does not know what was meant.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class SagaPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException> {

    private static final ConfigurationPropertyName SAGA = ConfigurationPropertyName.of("saga");

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        var unknown = cause.getUnboundProperties().stream()
                .filter(property -> SAGA.isAncestorOf(property.getName())).toList();
        if (unknown.isEmpty()) {
            return null;
        }
        var description = unknown.stream().map(SagaPropertiesFailureAnalyzer::describe)
                .collect(Collectors.joining("\n", "The saga engine has no setting for "
                        + (unknown.size() == 1 ? "this key" : "these " + unknown.size() + " keys") + ":\n", ""));
        return new FailureAnalysis(description, "Correct or remove each key. Every saga.* key, with its default, is"
                + " listed in the configuration reference (docs/configuration.md) and in your IDE's completion.", cause);
    }

    private static String describe(ConfigurationProperty property) {
        var origin = property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
        var meant = SagaPropertyKeys.nearest(property.getName()).map(key -> "; did you mean " + key + "?")
                .orElse("");
        return "    " + property.getName() + origin + meant;
    }
}
