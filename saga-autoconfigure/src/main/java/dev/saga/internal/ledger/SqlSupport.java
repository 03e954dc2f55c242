package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;

/** Small helpers for the engine's SQL: schema names, text parameters, timestamps. */
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

    /**
     * The text, refused when it contains U+0000, which PostgreSQL's text columns cannot hold (a
     * database error in the caller's transaction would doom it); null stays null.
     *
     * @param parameter the name of the API parameter it was given as, for the message
     */
    public static String storableText(String value, String parameter) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(parameter + " contains the character U+0000, which PostgreSQL cannot"
                    + " store in text; remove or replace it");
        }
        return value;
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
