package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

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
}
