package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** docs/configuration.md documents every property the configuration metadata declares. */
class ConfigurationDocsTests {

    @Test
    void everySagaPropertyIsDocumentedWithItsDefault() throws Exception {
        var metadata = JsonMapper.builder().build().readTree(getClass().getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json"));
        var docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        var missing = new ArrayList<String>();
        for (var property : metadata.get("properties")) {
            var name = property.get("name").asString();
            if (!docs.contains("`" + name + "`")) {
                missing.add(name);
            }
            var defaultValue = property.get("defaultValue");
            if (defaultValue != null && !defaultValue.isNull() && !docs.contains(defaultValue.asString())) {
                missing.add(name + " (default " + defaultValue.asString() + ")");
            }
        }
        assertThat(metadata.get("properties")).hasSizeGreaterThan(20);
        assertThat(missing).as("properties missing from docs/configuration.md").isEmpty();
    }

    @Test
    void theMetadataCompletesExceptionTypesAndSaysNothingInJavadocMarkup() throws Exception {
        var metadata = JsonMapper.builder().build().readTree(getClass().getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json"));
        var classReferences = new ArrayList<String>();
        for (var hint : metadata.get("hints")) {
            for (var provider : hint.get("providers")) {
                if (provider.get("name").asString().equals("class-reference")
                        && provider.get("parameters").get("target").asString().equals("java.lang.Throwable")) {
                    classReferences.add(hint.get("name").asString());
                }
            }
        }
        var markup = new ArrayList<String>();
        for (var group : List.of("properties", "groups")) {
            for (var entry : metadata.get(group)) {
                var description = entry.get("description");
                if (description != null && description.asString().contains("{@")) {
                    markup.add(entry.get("name").asString());
                }
            }
        }

        assertThat(classReferences).containsExactlyInAnyOrder("saga.retry.includes", "saga.retry.excludes");
        assertThat(markup).as("descriptions with {@code ...} or {@link ...}").isEmpty();
    }
}
