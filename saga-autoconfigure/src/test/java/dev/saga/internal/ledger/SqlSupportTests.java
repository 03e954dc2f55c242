package dev.saga.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.saga.testsupport.TestDatabase;

/** Which schema names the engine can put into its SQL as they are. */
class SqlSupportTests {

    @Test
    void refusesExactlyTheKeyWordsThatPostgresqlDoesNotTakeAsASchemaWithoutQuotes() throws SQLException {
        var keywords = new ArrayList<String>();
        var reservedHere = new HashSet<String>();
        var syntaxErrors = new HashSet<String>();
        try (var connection = DriverManager.getConnection(TestDatabase.freshDatabase(), TestDatabase.user(),
                TestDatabase.password()); var statement = connection.createStatement()) {
            try (var rs = statement.executeQuery("select word, catcode from pg_get_keywords()")) {
                while (rs.next()) {
                    keywords.add(rs.getString(1));
                    if (List.of("R", "T").contains(rs.getString(2))) {
                        reservedHere.add(rs.getString(1));
                    }
                }
            }
            for (var word : keywords) {
                try {
                    statement.execute("select 1 from " + word + ".saga_instance");
                } catch (SQLException e) {
                    if ("42601".equals(e.getSQLState())) { // syntax error; else 42P01, no such table
                        syntaxErrors.add(word);
                    }
                }
            }
        }
        assertThat(keywords).hasSizeGreaterThan(400);
        assertThat(SqlSupport.reservedWords()).as("every word this server reserves").containsAll(reservedHere);
        var refusedHere = new HashSet<>(SqlSupport.reservedWords());
        refusedHere.retainAll(keywords);
        assertThat(refusedHere).as("refused: the key words that break schema.table, and no others")
                .isEqualTo(syntaxErrors);
    }

    @Test
    void refusesAReservedKeyWordNamingThePropertyAndTheWord() {
        for (var word : Set.of("user", "order", "select", "left")) {
            assertThatThrownBy(() -> SqlSupport.schema(word)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("saga.schema must not be a key word that PostgreSQL reserves, but was '" + word
                            + "'; choose another name, such as '" + word + "_saga'");
        }
        assertThat(SqlSupport.schema("orders")).isEqualTo("orders");
        assertThat(SqlSupport.schema("int")).as("a key word PostgreSQL takes as a schema name").isEqualTo("int");
    }

    @Test
    void refusesTheSystemSchemaPrefix() {
        assertThatThrownBy(() -> SqlSupport.schema("pg_saga")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not start with 'pg_'").hasMessageContaining("'pg_saga'");
    }
}
