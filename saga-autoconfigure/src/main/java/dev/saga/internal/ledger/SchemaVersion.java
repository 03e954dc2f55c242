package dev.saga.internal.ledger;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The version of the engine's tables in the database, as its one-row {@code saga_schema_version}
 * table records it (every migration script sets it), and the version this engine needs.
 */
public final class SchemaVersion {

    /** The number of the newest script in {@code db/saga/migration}; the tables this code needs. */
    public static final int REQUIRED = 5;

    /** The script that made {@code saga_schema_version}: tables without it are older than this. */
    public static final int FIRST_VERSIONED = 4;

    /** Both looked up by name, so that a missing table is an answer rather than an error. */
    private static final String FIND_TABLES = """
            select to_regclass('%1$s.saga_instance') is not null,
                to_regclass('%1$s.saga_schema_version') is not null""";

    private static final String READ = """
            select max(version) from %1$s.saga_schema_version""";

    private SchemaVersion() {
    }

    /** What the database holds in the schema. */
    public sealed interface Found {
    }

    /** None of the engine's tables. */
    public record NoTables() implements Found {
    }

    /** Tables older than the version row (the scripts before it were applied, not it). */
    public record Unversioned() implements Found {
    }

    /** The tables at this version. */
    public record Versioned(int version) implements Found {
    }

    /** Reads the schema's version. */
    public static Found find(JdbcTemplate jdbc, String schema) {
        var checked = SqlSupport.schema(schema);
        var tables = jdbc.queryForObject(FIND_TABLES.formatted(checked),
                (rs, n) -> new boolean[] { rs.getBoolean(1), rs.getBoolean(2) });
        if (tables[1]) {
            @Nullable Integer version = jdbc.queryForObject(READ.formatted(checked), Integer.class);
            return version == null ? new Unversioned() : new Versioned(version);
        }
        return tables[0] ? new Unversioned() : new NoTables();
    }
}
