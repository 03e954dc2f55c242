package dev.saga.autoconfigure;

import java.util.Objects;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.outbox.OutboxStore;

/**
 * The engine's tables: their migration (unless {@code saga.schema-initialization=none}), the check
 * of their version, the one {@link JdbcTemplate} every store shares, and the stores. The template waits for database initialisation as Boot orders it (every Flyway,
 * Liquibase or script initializer, this migration among them), so no bean is ordered by name.
 */
@Configuration(proxyBeanMethods = false)
class SagaStoreConfiguration {

    private static final String JDBC = "sagaJdbcTemplate";

    /**
     * The engine's tables, in their own schema with their own history table, so they never meet the
     * application's migrations. Registered as an initializer (not a {@code Flyway} bean) so that
     * Boot's own Flyway still configures itself for the application. Only with Flyway present and
     * {@code saga.schema-initialization=flyway} (the default).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ Flyway.class, FlywayMigrationInitializer.class })
    @ConditionalOnProperty(name = "saga.schema-initialization", havingValue = "flyway", matchIfMissing = true)
    static class FlywayMigration {

        @Bean
        @ConditionalOnMissingBean(name = "sagaSchemaMigration")
        FlywayMigrationInitializer sagaSchemaMigration(DataSource dataSource, SagaProperties properties) {
            var flyway = Flyway.configure(getClass().getClassLoader())
                    .dataSource(dataSource)
                    .schemas(SqlSupport.schema(properties.schema()))
                    .createSchemas(true)
                    .table("saga_schema_history")
                    .locations("classpath:" + SagaSchemaCheck.SCRIPTS)
                    .load();
            return new FlywayMigrationInitializer(flyway);
        }
    }

    /**
     * Not a default candidate: the application's own {@code JdbcTemplate} stays as Boot makes it.
     * Created once the database is initialised, and only if the engine's tables are there at the
     * version it needs (every store uses it, so nothing reads or writes them before the check).
     */
    @Bean(defaultCandidate = false)
    @DependsOnDatabaseInitialization
    @ConditionalOnMissingBean(name = JDBC)
    JdbcTemplate sagaJdbcTemplate(DataSource dataSource, SagaProperties properties, ResourceLoader resources) {
        var jdbc = new JdbcTemplate(dataSource);
        // the application's class loader: what it lacks (Flyway) is what the report must name
        SagaSchemaCheck.check(jdbc, properties, Objects.requireNonNull(resources.getClassLoader()));
        return jdbc;
    }

    @Bean
    @ConditionalOnMissingBean
    PayloadCodec sagaPayloadCodec(ObjectProvider<ObjectMapper> mappers, SagaProperties properties) {
        return new PayloadCodec(mappers.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build()),
                properties.maxPayloadSize().toBytes());
    }

    @Bean
    @ConditionalOnMissingBean
    StepStore sagaStepStore(@Qualifier(JDBC) JdbcTemplate jdbc, PayloadCodec codec, SagaProperties properties) {
        return new StepStore(jdbc, codec, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    InstanceStore sagaInstanceStore(@Qualifier(JDBC) JdbcTemplate jdbc, StepStore steps, SagaProperties properties) {
        return new InstanceStore(jdbc, steps, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    CallerWrites sagaCallerWrites(@Qualifier(JDBC) JdbcTemplate jdbc, StepStore steps, SagaProperties properties) {
        return new CallerWrites(jdbc, steps, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    InstanceQueries sagaInstanceQueries(@Qualifier(JDBC) JdbcTemplate jdbc, SagaProperties properties) {
        return new InstanceQueries(jdbc, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    SignalStore sagaSignalStore(@Qualifier(JDBC) JdbcTemplate jdbc, SagaProperties properties) {
        return new SignalStore(jdbc, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    OutboxStore sagaOutboxStore(@Qualifier(JDBC) JdbcTemplate jdbc, SagaProperties properties) {
        return new OutboxStore(jdbc, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    ClaimStore sagaClaimStore(@Qualifier(JDBC) JdbcTemplate jdbc, SagaProperties properties) {
        return new ClaimStore(jdbc, properties.schema());
    }
}
