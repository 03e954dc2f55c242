package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/** Small helpers for the engine's SQL: schema names, timestamps. */
public final class SqlSupport {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SqlSupport() {
    }

    /** The schema name, checked to be a plain lower-case identifier so it can be put into SQL. */
    public static String schema(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("saga.schema must be a lower-case SQL identifier (letters, digits,"
                    + " underscores), but was '" + name + "'");
        }
        return name;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
