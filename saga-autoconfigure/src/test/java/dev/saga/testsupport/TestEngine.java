package dev.saga.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.SagaClient;
import dev.saga.internal.dispatch.SagaDispatcher;

/**
 * Starts saga engine instances (Spring application contexts) on one test database, the way an
 * application would, so that a test can run several nodes and stop one abruptly.
 */
public final class TestEngine implements AutoCloseable {

    private final String jdbcUrl;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    public TestEngine() {
        this(TestDatabase.freshDatabase());
    }

    public TestEngine(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** Auto-configuration plus nothing else; the scenario adds its own beans. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    public static class TestApplication {
    }

    /** Starts a node with the given configuration classes and properties. */
    public ConfigurableApplicationContext startNode(List<Class<?>> configuration, List<String> properties,
            Consumer<ConfigurableApplicationContext> beforeRefresh) {
        return startNode(WebApplicationType.NONE, configuration, properties, beforeRefresh);
    }

    /** Starts a node that serves HTTP (Actuator) on a random port. */
    public ConfigurableApplicationContext startWebNode(List<Class<?>> configuration, List<String> properties,
            Consumer<ConfigurableApplicationContext> beforeRefresh) {
        var all = new ArrayList<>(List.of("server.port=0"));
        all.addAll(properties);
        return startNode(WebApplicationType.SERVLET, configuration, all, beforeRefresh);
    }

    private ConfigurableApplicationContext startNode(WebApplicationType web, List<Class<?>> configuration,
            List<String> properties, Consumer<ConfigurableApplicationContext> beforeRefresh) {
        var sources = new ArrayList<Class<?>>();
        sources.add(TestApplication.class);
        sources.addAll(configuration);
        var all = new ArrayList<>(List.of(
                "spring.datasource.url=" + jdbcUrl,
                "spring.datasource.username=" + TestDatabase.user(),
                "spring.datasource.password=" + TestDatabase.password(),
                "spring.datasource.hikari.maximum-pool-size=12",
                "spring.main.banner-mode=off",
                "spring.jpa.open-in-view=false",
                "saga.dispatcher.poll-interval=100ms",
                "saga.retry.jitter=0ms",
                "saga.retry.delay=10ms",
                "saga.dispatcher.shutdown-timeout=2s"));
        all.addAll(properties);
        var context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
                .web(web)
                .properties(all.toArray(String[]::new))
                .initializers(beforeRefresh::accept)
                .run();
        contexts.add(context);
        return context;
    }

    public ConfigurableApplicationContext startNode(List<Class<?>> configuration, String... properties) {
        return startNode(configuration, List.of(properties), context -> {
        });
    }

    public static SagaClient client(ConfigurableApplicationContext node) {
        return node.getBean(SagaClient.class);
    }

    public static SagaDispatcher dispatcher(ConfigurableApplicationContext node) {
        return node.getBean(SagaDispatcher.class);
    }

    public static JdbcTemplate jdbc(ConfigurableApplicationContext node) {
        return new JdbcTemplate(node.getBean(DataSource.class));
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
