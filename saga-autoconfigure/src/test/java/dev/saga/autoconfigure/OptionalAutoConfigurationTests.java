package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import dev.saga.SagaClient;
import dev.saga.actuate.SagaEndpoint;
import dev.saga.actuate.SagaHealthIndicator;
import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.metrics.SagaMetrics;
import dev.saga.testsupport.TestDatabase;

/**
 * Actuator, Micrometer and JPA are optional: without their classes, their part backs off and the
 * engine still starts and runs sagas.
 */
class OptionalAutoConfigurationTests {

    private static String jdbcUrl;

    @BeforeAll
    static void database() {
        jdbcUrl = TestDatabase.freshDatabase();
    }

    /**
     * Imported the way an application imports them ({@code @ImportAutoConfiguration}, as
     * {@code @EnableAutoConfiguration} does), so that a configuration whose classes are missing is
     * filtered out by the class names its metadata lists before any of its conditions is loaded.
     */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class, FlywayAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
            MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class, SagaAutoConfiguration.class, SagaEndpointAutoConfiguration.class,
            SagaHealthAutoConfiguration.class, SagaMetricsAutoConfiguration.class })
    static class Application {
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withUserConfiguration(Application.class, ShopConfiguration.class)
                .withPropertyValues("spring.datasource.url=" + jdbcUrl,
                        "spring.datasource.username=" + TestDatabase.user(),
                        "spring.datasource.password=" + TestDatabase.password(),
                        "management.endpoints.web.exposure.include=sagas");
    }

    @Test
    void configuresTheEndpointTheHealthIndicatorAndTheMetersWhenTheirLibrariesArePresent() {
        runner().run(context -> {
            assertEngineRuns(context);
            assertThat(context).hasSingleBean(SagaEndpoint.class).hasSingleBean(SagaHealthIndicator.class)
                    .hasSingleBean(SagaMetrics.class).hasBean("entityManagerFactory");
        });
    }

    @Test
    void runsWithoutActuatorAndConfiguresNeitherEndpointNorHealthIndicator() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate",
                "org.springframework.boot.health")).run(context -> {
                    assertEngineRuns(context);
                    assertThat(context).doesNotHaveBean(SagaEndpoint.class)
                            .doesNotHaveBean(SagaHealthIndicator.class);
                });
    }

    @Test
    void runsWithoutMicrometerAndConfiguresNoMeters() {
        runner().withClassLoader(new FilteredClassLoader("io.micrometer.core")).run(context -> {
            assertEngineRuns(context);
            assertThat(context).doesNotHaveBean(SagaMetrics.class).hasSingleBean(SagaEndpoint.class);
        });
    }

    @Test
    void runsSagasOnPlainJdbcWithoutJpaOrHibernate() {
        runner().withClassLoader(new FilteredClassLoader("jakarta.persistence", "org.hibernate",
                "org.springframework.orm.jpa", "org.springframework.data.jpa")).run(context -> {
                    assertEngineRuns(context);
                    assertThat(context).doesNotHaveBean("entityManagerFactory");
                });
    }

    /** Up, dispatching, and a saga runs to its end. */
    private static void assertEngineRuns(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed().hasSingleBean(SagaClient.class);
        assertThat(context.getBean(SagaDispatcher.class).isRunning()).isTrue();
        var client = context.getBean(SagaClient.class);
        var id = client.start("order", new Order("optional-" + System.nanoTime(), 1));
        assertThat(client.awaitResult(id, String.class, Duration.ofSeconds(30))).startsWith("pay-optional-");
    }
}
