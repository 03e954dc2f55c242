package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.saga.SagaClient;
import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.internal.ledger.SchemaVersion;
import dev.saga.testsupport.TestDatabase;
import dev.saga.testsupport.TestEngine;

/**
 * {@code saga.schema-initialization}: with {@code none} the engine creates nothing and runs on the
 * tables its shipped scripts make, applied by hand (as a DBA or Liquibase would), with or without
 * Flyway on the classpath; tables missing or too old fail startup naming the scripts to apply.
 */
class SchemaInitializationTests {

    private static final List<String> ALL_SCRIPTS = List.of("V1__saga_tables.sql", "V2__step_writer.sql",
            "V3__wakeups_on_instance.sql", "V4__schema_version.sql", "V5__trace_context.sql");

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, FlywayAutoConfiguration.class, SagaAutoConfiguration.class })
    static class Application {
    }

    private static ApplicationContextRunner runner(String jdbcUrl, String... properties) {
        return new ApplicationContextRunner().withUserConfiguration(Application.class, ShopConfiguration.class)
                .withPropertyValues("spring.datasource.url=" + jdbcUrl,
                        "spring.datasource.username=" + TestDatabase.user(),
                        "spring.datasource.password=" + TestDatabase.password())
                .withPropertyValues(properties);
    }

    @Test
    void theNewestScriptIsTheVersionTheEngineRequires() {
        var scripts = SagaSchemaCheck.scripts(getClass().getClassLoader(), 1);
        assertThat(scripts).as("every script, in version order").containsExactlyElementsOf(ALL_SCRIPTS);
        assertThat(SagaSchemaCheck.version(scripts.get(scripts.size() - 1))).isEqualTo(SchemaVersion.REQUIRED);
    }

    @Test
    void noneRunsSagasOnTablesMadeByHandFromTheShippedScriptsWithoutFlywayOnTheClasspath() throws Exception {
        var jdbcUrl = TestDatabase.freshDatabase();
        apply(jdbcUrl, "billing_saga", ALL_SCRIPTS);
        // the fixture's own tables, which its Flyway migration would make
        try (var in = getClass().getResourceAsStream("/db/migration/V1__test_tables.sql")) {
            execute(jdbcUrl, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        runner(jdbcUrl, "saga.schema-initialization=none", "saga.schema=billing_saga")
                .withClassLoader(new FilteredClassLoader("org.flywaydb")).run(context -> {
                    assertThat(context).hasNotFailed();
                    var client = context.getBean(SagaClient.class);
                    var id = client.start("order", new Order("by-hand", 1));
                    assertThat(client.awaitResult(id, String.class, Duration.ofSeconds(30))).startsWith("pay-by-hand");
                });
        assertThat(query(jdbcUrl, "select to_regclass('billing_saga.saga_schema_history') is null"))
                .as("no Flyway history: nothing migrated the tables").isTrue();
    }

    @Test
    void noneAcceptsTablesOfANewerVersionAsARollingUpgradeLeavesThem() throws Exception {
        var jdbcUrl = TestDatabase.freshDatabase();
        apply(jdbcUrl, "saga", ALL_SCRIPTS);
        execute(jdbcUrl, "update saga.saga_schema_version set version = " + (SchemaVersion.REQUIRED + 1));
        runner(jdbcUrl, "saga.schema-initialization=none").run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void noneOnTablesOlderThanTheEngineNeedsFailsStartupNamingTheScriptsStillToApply() throws Exception {
        var jdbcUrl = TestDatabase.freshDatabase();
        apply(jdbcUrl, "saga", ALL_SCRIPTS.subList(0, 3));
        runner(jdbcUrl, "saga.schema-initialization=none").run(context -> {
            var analysis = analysis(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("schema 'saga' are older than version 5")
                    .contains("saga.schema-initialization=none");
            assertThat(analysis.getAction())
                    .contains("apply V4__schema_version.sql, V5__trace_context.sql from db/saga/migration")
                    .doesNotContain("V3__").contains("${flyway:defaultSchema} replaced by saga");
        });
        execute(jdbcUrl, "create table saga.saga_schema_version (one boolean primary key default true check (one),"
                + " version int not null); insert into saga.saga_schema_version (version) values (3)");
        runner(jdbcUrl, "saga.schema-initialization=none").run(context -> assertThat(
                analysis(context.getStartupFailure()).getDescription()).contains("are at version 3; this engine"
                        + " needs version 5"));
    }

    @Test
    void flywayWithoutFlywayOnTheClasspathFailsStartupSayingWhatToAddOrToSet() {
        runner(TestDatabase.freshDatabase()).withClassLoader(new FilteredClassLoader("org.flywaydb")).run(context -> {
            var analysis = analysis(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("has none of the saga engine's tables")
                    .contains("Flyway is not on the classpath");
            assertThat(analysis.getAction()).contains("org.flywaydb:flyway-database-postgresql")
                    .contains("saga.schema-initialization=none and apply " + String.join(", ", ALL_SCRIPTS));
        });
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void noneOnAnEmptyDatabasePrintsBootsFailureReportOnceListingEveryScript(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(), "saga.schema-initialization=none"))
                    .hasRootCauseInstanceOf(SagaSchemaException.class);
            assertThat(output.getAll()).containsOnlyOnce("APPLICATION FAILED TO START")
                    .containsOnlyOnce("The schema 'saga' has none of the saga engine's tables.")
                    .containsOnlyOnce("apply " + String.join(", ", ALL_SCRIPTS))
                    .doesNotContain("Application run failed");
        }
    }

    private static FailureAnalysis analysis(Throwable failure) {
        assertThat(failure).as("startup failed").isNotNull().hasRootCauseInstanceOf(SagaSchemaException.class);
        var analysis = new SagaSchemaFailureAnalyzer().analyze(failure);
        assertThat(analysis).isNotNull();
        return analysis;
    }

    /** The shipped scripts, as a DBA applies them: the placeholder replaced by the schema. */
    private static void apply(String jdbcUrl, String schema, List<String> scripts) throws IOException, SQLException {
        execute(jdbcUrl, "create schema " + schema);
        for (var script : scripts) {
            try (var in = SchemaInitializationTests.class.getResourceAsStream("/" + SagaSchemaCheck.SCRIPTS + "/"
                    + script)) {
                execute(jdbcUrl, new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .replace("${flyway:defaultSchema}", schema));
            }
        }
    }

    private static void execute(String jdbcUrl, String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(jdbcUrl, TestDatabase.user(), TestDatabase.password());
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static boolean query(String jdbcUrl, String sql) throws SQLException {
        try (var connection = DriverManager.getConnection(jdbcUrl, TestDatabase.user(), TestDatabase.password());
                var statement = connection.createStatement(); var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
