package dev.saga.bench.floor;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.saga.bench.Postgres;
import dev.saga.bench.Workload;

/**
 * Plain JDBC doing exactly the writes a naive durable engine needs for a 3-step saga, each in its
 * own commit: the instance row, one ledger row per step, the completion. Its tables have the
 * engine's columns and indexes, so each write costs what the engine's would.
 */
public final class FloorWorkload implements Workload {

    private static final String[] SCHEMA = {
        "drop schema if exists floor cascade",
        "create schema floor",
        """
        create table floor.saga_instance (
            id uuid primary key, name text not null, version int not null, business_key text,
            status text not null, input jsonb, output jsonb, error text, fencing bigint not null default 0,
            cancel_reason text, deadline_at timestamptz, run int not null default 1,
            created_at timestamptz not null default now(), updated_at timestamptz not null default now(),
            finished_at timestamptz)""",
        "create unique index on floor.saga_instance (name, business_key) where business_key is not null",
        "create index on floor.saga_instance (status, name)",
        "create index on floor.saga_instance (finished_at) where finished_at is not null",
        """
        create table floor.saga_step (
            saga_id uuid not null references floor.saga_instance (id) on delete cascade, seq int not null,
            kind text not null, name text not null, status text not null, args jsonb, result jsonb,
            attempts int not null default 0, started_at timestamptz not null, finished_at timestamptz,
            primary key (saga_id, seq))"""
    };

    private final Postgres postgres;

    public FloorWorkload(Postgres postgres) {
        this.postgres = postgres;
    }

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public String database() {
        return "saga_bench_floor";
    }

    @Override
    public Session open(int clients) throws SQLException {
        postgres.ensureDatabase(database());
        postgres.execute(database(), SCHEMA);
        var config = new HikariConfig();
        config.setJdbcUrl(postgres.url(database()));
        config.setUsername(postgres.user());
        config.setPassword(postgres.password());
        config.setMaximumPoolSize(clients);
        config.setMinimumIdle(clients);
        config.setPoolName("floor");
        var pool = new HikariDataSource(config);
        return new Session() {
            @Override
            public void runOne() throws SQLException {
                try (var connection = pool.getConnection()) {
                    runSaga(connection);
                }
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    private static void runSaga(Connection connection) throws SQLException {
        var id = UUID.randomUUID();
        var now = OffsetDateTime.now();
        try (var insert = connection.prepareStatement("insert into floor.saga_instance (id, name, version, status,"
                + " input) values (?, 'three-steps', 1, 'RUNNING', ?::jsonb)")) {
            insert.setObject(1, id);
            insert.setString(2, "1");
            insert.executeUpdate();
        }
        try (var step = connection.prepareStatement("insert into floor.saga_step (saga_id, seq, kind, name, status,"
                + " args, result, attempts, started_at, finished_at) values (?, ?, 'STEP', ?, 'COMPLETED', ?::jsonb,"
                + " ?::jsonb, 1, ?, now())")) {
            for (int seq = 0; seq < 3; seq++) {
                step.setObject(1, id);
                step.setInt(2, seq);
                step.setString(3, "step" + (seq + 1));
                step.setString(4, "[1]");
                step.setString(5, "1");
                step.setObject(6, now);
                step.executeUpdate();
            }
        }
        try (var complete = connection.prepareStatement("update floor.saga_instance set status = 'COMPLETED',"
                + " output = ?::jsonb, updated_at = now(), finished_at = now() where id = ?")) {
            complete.setString(1, "1");
            complete.setObject(2, id);
            complete.executeUpdate();
        }
    }
}
