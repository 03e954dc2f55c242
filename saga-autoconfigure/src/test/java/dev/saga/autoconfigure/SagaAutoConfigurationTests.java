package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.testsupport.TestDatabase;

/** When the engine configures itself, and how it backs off. */
class SagaAutoConfigurationTests {

    private static String jdbcUrl;

    @BeforeAll
    static void database() {
        jdbcUrl = TestDatabase.freshDatabase();
    }

    private ApplicationContextRunner runner() {
        return runner(jdbcUrl);
    }

    private ApplicationContextRunner runner(String jdbcUrl) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, SagaAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + jdbcUrl,
                        "spring.datasource.username=" + TestDatabase.user(),
                        "spring.datasource.password=" + TestDatabase.password());
    }

    @Test
    void configuresTheEngineOnTheApplicationsDataSource() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SagaClient.class).hasSingleBean(SagaDispatcher.class)
                    .hasSingleBean(SagaOperations.class);
            assertThat(context.getBean(SagaDispatcher.class).isRunning()).isTrue();
        });
    }

    @Test
    void configuresNothingWithoutADataSource() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SagaAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SagaClient.class));
    }

    @Test
    void configuresNothingWhenDisabled() {
        runner().withPropertyValues("saga.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SagaClient.class));
    }

    @Test
    void startsAndQueriesSagasWithoutRunningThemWhenTheDispatcherIsDisabled() {
        runner().withPropertyValues("saga.dispatcher.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().hasSingleBean(SagaClient.class).doesNotHaveBean(SagaDispatcher.class));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnClient() {
        runner().withUserConfiguration(OwnClient.class).run(context -> assertThat(context).hasNotFailed()
                .getBean(SagaClient.class).isSameAs(context.getBean(OwnClient.class).client));
    }

    @Test
    void refusesASchemaNameThatIsNotAPlainIdentifier() {
        runner().withPropertyValues("saga.schema=saga; drop table x").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().hasMessageContaining("saga.schema must be a lower-case SQL identifier"));
    }

    @Test
    void refusesAtStartupASchemaNameThatIsAReservedKeyWordNamingThePropertyAndTheWord() {
        runner().withPropertyValues("saga.schema=user").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saga.schema must not be a key word that PostgreSQL reserves, but was 'user'; choose"
                        + " another name, such as 'user_saga'"));
    }

    @Test
    void refusesAPayloadLimitThatIsNotPositive() {
        runner().withPropertyValues("saga.max-payload-size=0B").run(context -> assertThat(context)
                .hasFailed().getFailure().rootCause().hasMessageContaining("saga.max-payload-size must be positive: 0B"));
    }

    @Test
    void migratesIntoTheConfiguredSchema() {
        runner().withPropertyValues("saga.schema=orders_saga").run(context -> {
            assertThat(context).hasNotFailed();
            var jdbc = new org.springframework.jdbc.core.JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.queryForList("select table_name from information_schema.tables"
                    + " where table_schema = 'orders_saga' order by table_name", String.class))
                    .containsExactly("saga_instance", "saga_outbox", "saga_schema_history", "saga_schema_version", "saga_signal", "saga_step");
        });
    }

    @Test
    void coexistsWithTheApplicationsOwnFlywayWhateverItFinds() {
        runner(TestDatabase.freshDatabase()).withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                .withPropertyValues("spring.flyway.locations=classpath:db/none-here")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SagaClient.class));
        runner(TestDatabase.freshDatabase()).withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
                .run(context -> {
            assertThat(context).hasNotFailed();
            var jdbc = new org.springframework.jdbc.core.JdbcTemplate(context.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.queryForObject("select count(*) from public.test_effect", Integer.class))
                    .as("the application's migration ran beside the engine's").isZero();
        });
    }

    @Test
    void keepsItsThreadPoolsToItselfSoTheApplicationGetsBootsExecutorAndScheduler() {
        runner().withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                TaskSchedulingAutoConfiguration.class)).withUserConfiguration(Scheduling.class).run(context -> {
            assertThat(context).hasNotFailed().hasBean("sagaWorkerExecutor").hasBean("sagaDispatcherScheduler")
                    .hasBean("sagaRetentionScheduler").hasBean("sagaClockCheckScheduler");
            assertThat(context.getBean(TaskScheduler.class)).as("what @Scheduled methods run on")
                    .isSameAs(context.getBean("taskScheduler"));
            assertThat(context.getBean(ThreadPoolTaskExecutor.class)).as("Boot's did not back off, and is injected")
                    .isSameAs(context.getBean("applicationTaskExecutor"));
            assertThat(context.getBean("sagaWorkerExecutor", ThreadPoolTaskExecutor.class).getThreadNamePrefix())
                    .isEqualTo("saga-worker-");
        });
    }

    @Test
    void opensItsTablesOnlyAfterBootsDatabaseInitializersRanItsMigrationAmongThem() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            var template = context.getBeanFactory().getBeanDefinition("sagaJdbcTemplate");
            assertThat(template.getDependsOn()).as("ordered by Boot's detectors, not by a bean name")
                    .contains("sagaSchemaMigration");
        });
    }

    @Test
    void leavesTheApplicationsJdbcTemplateAsBootMakesIt() {
        runner().withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class)).run(context -> {
            assertThat(context).hasNotFailed().hasBean("jdbcTemplate").hasBean("sagaJdbcTemplate");
            assertThat(context.getBean(JdbcTemplate.class)).as("what the application injects")
                    .isSameAs(context.getBean("jdbcTemplate"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Scheduling {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        final SagaClient client = org.mockito.Mockito.mock(SagaClient.class);

        @Bean
        SagaClient sagaClient() {
            return client;
        }
    }
}
