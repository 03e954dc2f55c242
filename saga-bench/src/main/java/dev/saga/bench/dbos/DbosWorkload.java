package dev.saga.bench.dbos;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import dev.saga.bench.Postgres;
import dev.saga.bench.Workload;

/**
 * DBOS Transact: each operation starts the workflow with {@code DBOS.startWorkflow} and waits for
 * {@code WorkflowHandle.getResult()}. DBOS gets a connection pool of the size the starter gets.
 */
public final class DbosWorkload implements Workload {

    private final Postgres postgres;
    private final AtomicInteger inputs = new AtomicInteger();

    public DbosWorkload(Postgres postgres) {
        this.postgres = postgres;
    }

    @Override
    public String name() {
        return "peer";
    }

    @Override
    public String database() {
        return "saga_bench_dbos";
    }

    @Override
    public Session open(int clients) throws SQLException {
        postgres.ensureDatabase(database());
        postgres.execute(database(), "drop schema if exists dbos cascade");
        var pool = pool(Math.max(clients, 8));
        var dbos = new DBOS(DBOSConfig.defaults("saga-bench").withDataSource(pool).withDatabaseUrl(
                postgres.url(database())).withDbUser(postgres.user()).withDbPassword(postgres.password())
                .disableAdminServer());
        var workflow = dbos.registerProxy(ThreeStepWorkflow.class, new ThreeStepWorkflowImpl(dbos));
        dbos.launch();
        return new Session() {
            @Override
            public void runOne() {
                int input = inputs.incrementAndGet();
                var handle = dbos.startWorkflow(() -> workflow.run(input));
                if (handle.getResult() != input) {
                    throw new IllegalStateException("Workflow " + handle.workflowId() + " returned a wrong result");
                }
            }

            @Override
            public void close() {
                dbos.shutdown();
                pool.close();
            }
        };
    }

    private HikariDataSource pool(int workers) {
        var config = new HikariConfig();
        config.setJdbcUrl(postgres.url(database()));
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(2 * workers + 4);
        config.setPoolName("dbos");
        return new HikariDataSource(config);
    }
}
