package dev.saga.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ClassUtils;

import dev.saga.autoconfigure.SagaProperties.SchemaInitialization;
import dev.saga.internal.ledger.SchemaVersion;
import dev.saga.internal.ledger.SchemaVersion.Unversioned;
import dev.saga.internal.ledger.SchemaVersion.Versioned;

/**
 * At startup, once the database is initialised: the engine's tables are there, at the version
 * this engine needs or a newer one (a node of the next version migrated them first, in a rolling
 * upgrade). Otherwise startup fails, naming the scripts to apply.
 */
final class SagaSchemaCheck {

    static final String SCRIPTS = "db/saga/migration";
    private static final Pattern SCRIPT = Pattern.compile("V(\\d+)__.+\\.sql");
    private static final String FLYWAY = "org.flywaydb.core.Flyway";

    private SagaSchemaCheck() {
    }

    static void check(JdbcTemplate jdbc, SagaProperties properties, ClassLoader classLoader) {
        var schema = properties.schema();
        var found = SchemaVersion.find(jdbc, schema);
        if (found instanceof Versioned versioned && versioned.version() >= SchemaVersion.REQUIRED) {
            return;
        }
        int from;
        String description;
        if (found instanceof Versioned older) {
            from = older.version() + 1;
            description = "The saga engine's tables in schema '" + schema + "' are at version " + older.version()
                    + "; this engine needs version " + SchemaVersion.REQUIRED + ".";
        } else if (found instanceof Unversioned) {
            from = SchemaVersion.FIRST_VERSIONED; // the tables of every script before the version row
            description = "The saga engine's tables in schema '" + schema + "' are older than version "
                    + SchemaVersion.REQUIRED + " (they have no saga_schema_version table), which this engine needs.";
        } else {
            from = 1;
            description = "The schema '" + schema + "' has none of the saga engine's tables.";
        }
        var missing = scripts(classLoader, from);
        var apply = "apply " + String.join(", ", missing) + " from " + SCRIPTS + " in the saga-autoconfigure jar, in"
                + " that order, with ${flyway:defaultSchema} replaced by " + schema;
        String action;
        if (properties.schemaInitialization() == SchemaInitialization.NONE) {
            description += " With saga.schema-initialization=none the engine leaves its tables to you.";
            action = "Before starting the application, " + apply + " (docs/configuration.md, \"The engine's"
                    + " tables\"). Or remove saga.schema-initialization to let the engine migrate them with Flyway.";
        } else if (!ClassUtils.isPresent(FLYWAY, classLoader)) {
            description += " saga.schema-initialization is flyway, but Flyway is not on the classpath.";
            action = "Add org.flywaydb:flyway-database-postgresql (the saga starter brings it, unless it was"
                    + " excluded), or set saga.schema-initialization=none and " + apply + ".";
        } else {
            description += " The engine's Flyway migration (bean 'sagaSchemaMigration') did not create them: an"
                    + " application bean of that name replaced it.";
            action = "Let the replacement migrate the engine's scripts, remove it, or set"
                    + " saga.schema-initialization=none and " + apply + ".";
        }
        // Spring logs the message of what it catches; Boot's report prints the cause, so the details once
        throw new BeanInitializationException("The saga engine's tables are missing or too old, described in the"
                + " cause", new SagaSchemaException(description, action));
    }

    /** The names of the engine's scripts from this version on, in version order. */
    static List<String> scripts(ClassLoader classLoader, int fromVersion) {
        Resource[] resources;
        try {
            resources = new PathMatchingResourcePatternResolver(classLoader).getResources("classpath*:" + SCRIPTS
                    + "/V*__*.sql");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.stream(resources).map(Resource::getFilename).filter(Objects::nonNull)
                .filter(name -> SCRIPT.matcher(name).matches())
                .filter(name -> version(name) >= fromVersion)
                .distinct()
                .sorted(Comparator.comparingInt(SagaSchemaCheck::version))
                .toList();
    }

    static int version(String script) {
        var matcher = SCRIPT.matcher(script);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(script);
        }
        return Integer.parseInt(matcher.group(1));
    }
}
