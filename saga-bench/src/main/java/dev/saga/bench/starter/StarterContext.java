package dev.saga.bench.starter;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.SagaClient;
import dev.saga.bench.Postgres;
import dev.saga.internal.dispatch.SagaDispatcher;

/**
 * Starts the benchmark application (the starter and the benchmark's sagas) on the saga database,
 * one engine node per context.
 */
public final class StarterContext implements AutoCloseable {

    public static final String DATABASE = "saga_bench";

    private final ConfigurableApplicationContext context;

    private StarterContext(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Drops the engine's schema, so the next context starts with empty tables. */
    public static void resetSchema(Postgres postgres) throws SQLException {
        postgres.ensureDatabase(DATABASE);
        postgres.execute(DATABASE, "drop schema if exists saga cascade");
    }

    /**
     * Starts a node with the given worker threads (and a connection pool to match) plus any other
     * {@code saga.*} or {@code bench.*} properties.
     */
    public static StarterContext start(Postgres postgres, String nodeId, int workerThreads,
            Map<String, Object> extraProperties) {
        var properties = new LinkedHashMap<String, Object>();
        properties.put("spring.datasource.url", postgres.url(DATABASE));
        properties.put("spring.datasource.username", postgres.user());
        properties.put("spring.datasource.password", postgres.password());
        // a connection for every worker and every client thread, as for the peer
        properties.put("spring.datasource.hikari.maximum-pool-size", 2 * workerThreads + 4);
        properties.put("spring.jpa.open-in-view", false);
        properties.put("spring.main.banner-mode", "off");
        properties.put("logging.level.root", "WARN");
        properties.put("logging.level.org.flywaydb", "ERROR"); // "no migrations" of the application: it has none
        properties.put("saga.dispatcher.node-id", nodeId);
        properties.put("saga.dispatcher.worker-threads", workerThreads);
        properties.putAll(extraProperties);
        var context = new SpringApplicationBuilder(BenchSagaApplication.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run();
        return new StarterContext(context);
    }

    public SagaClient client() {
        return context.getBean(SagaClient.class);
    }

    public SagaCompletions completions() {
        return context.getBean(SagaCompletions.class);
    }

    /** Stops this node at once, as a crash would: no more polls or lease renewals. */
    public void halt() {
        context.getBean(SagaDispatcher.class).halt();
    }

    @Override
    public void close() {
        context.close();
    }
}
