package dev.saga.bench.starter;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.saga.SagaStatus;
import dev.saga.bench.Postgres;
import dev.saga.bench.Workload;

/**
 * The starter: each operation starts the 3-step saga with {@code SagaClient.start} and waits until
 * it has completed, either in-process ({@code listener}) or with {@code SagaClient.awaitResult}
 * ({@code client}, which polls the database).
 */
public final class StarterWorkload implements Workload {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final Postgres postgres;
    private final boolean awaitWithClient;
    private final AtomicInteger inputs = new AtomicInteger();

    public StarterWorkload(Postgres postgres, String await) {
        this.postgres = postgres;
        this.awaitWithClient = await.equals("client");
    }

    @Override
    public String name() {
        return awaitWithClient ? "saga" : "saga (listener)";
    }

    @Override
    public String database() {
        return StarterContext.DATABASE;
    }

    @Override
    public Session open(int clients) throws SQLException {
        StarterContext.resetSchema(postgres);
        var node = StarterContext.start(postgres, "bench-node", Math.max(clients, 8), Map.of());
        var client = node.client();
        var completions = node.completions();
        return new Session() {
            @Override
            public void runOne() throws Exception {
                int input = inputs.incrementAndGet();
                var id = client.start("three-steps", input);
                if (awaitWithClient) {
                    client.awaitResult(id, Integer.class, TIMEOUT);
                } else if (completions.await(id, TIMEOUT) != SagaStatus.COMPLETED) {
                    throw new IllegalStateException("Saga " + id + " did not complete");
                }
            }

            @Override
            public void close() {
                node.close();
            }
        };
    }
}
