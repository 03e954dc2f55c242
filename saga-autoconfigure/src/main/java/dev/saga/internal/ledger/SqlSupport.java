package dev.saga.internal.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/** Small helpers for the engine's SQL: schema names, text parameters, timestamps. */
public final class SqlSupport {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /**
     * The key words PostgreSQL does not take as a schema name without quotes, so neither in
     * {@code schema.table}: the reserved ones and those that can only be function or type names
     * ({@code select word from pg_get_keywords() where catcode in ('R', 'T')}, PostgreSQL 18).
     */
    private static final Set<String> RESERVED = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
            "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
            "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
            "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
            "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
            "null", "offset", "on", "only", "or", "order", "placing", "primary", "references", "returning", "select",
            "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true", "union",
            "unique", "user", "using", "variadic", "when", "where", "window", "with",
            // catcode 'T': reserved, but can be a function or type name
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
            "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
            "right", "similar", "tablesample", "verbose");

    private SqlSupport() {
    }

    /**
     * The schema name, checked to be a plain lower-case identifier that PostgreSQL takes without
     * quotes, so that it can be put into SQL as it is.
     */
    public static String schema(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("saga.schema must be a lower-case SQL identifier (letters, digits,"
                    + " underscores), but was '" + name + "'");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("saga.schema must not be a key word that PostgreSQL reserves, but was '"
                    + name + "'; choose another name, such as '" + name + "_saga'");
        }
        if (name.startsWith("pg_")) {
            throw new IllegalArgumentException("saga.schema must not start with 'pg_', which PostgreSQL reserves for"
                    + " its system schemas, but was '" + name + "'");
        }
        return name;
    }

    /** The key words {@link #schema} refuses. */
    static Set<String> reservedWords() {
        return RESERVED;
    }

    /**
     * The text, refused when it contains U+0000, which PostgreSQL's text columns cannot hold (a
     * database error in the caller's transaction would doom it); null stays null.
     *
     * @param parameter the name of the API parameter it was given as, for the message
     */
    public static @Nullable String storableText(@Nullable String value, String parameter) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(parameter + " contains the character U+0000, which PostgreSQL cannot"
                    + " store in text; remove or replace it");
        }
        return value;
    }

    public static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        var value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
