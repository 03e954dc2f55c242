package dev.saga.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.interception.SagaAnnotationPostProcessor;
import dev.saga.internal.retry.RetryPolicies;

/**
 * Configures the saga engine on the application's {@link DataSource} and transaction manager:
 * finds sagas and steps at startup (here), migrates and opens the engine's tables
 * ({@link SagaStoreConfiguration}), builds the engine ({@link SagaEngineConfiguration}) and this
 * node's client and dispatcher ({@link SagaNodeConfiguration}) on its own threads
 * ({@link SagaThreadPools}). Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnBean({ DataSource.class, PlatformTransactionManager.class })
@ConditionalOnProperty(name = "saga.enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SagaProperties.class)
@Import({ DatabaseInitializationDependencyConfigurer.class, SagaStoreConfiguration.class,
        SagaEngineConfiguration.class, SagaNodeConfiguration.class, SagaThreadPools.class })
public final class SagaAutoConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SagaAnnotationPostProcessor sagaAnnotationPostProcessor() {
        return new SagaAnnotationPostProcessor();
    }

    @Bean
    @ConditionalOnMissingBean
    SagaRegistry sagaRegistry() {
        return new SagaRegistry();
    }

    @Bean
    @ConditionalOnMissingBean
    RetryPolicies sagaRetryPolicies(SagaProperties properties) {
        return EngineSettings.retryPolicies(properties);
    }

    @Bean
    static SagaStartupValidation sagaStartupValidation(SagaAnnotationPostProcessor postProcessor,
            SagaRegistry registry, RetryPolicies policies, ConfigurableListableBeanFactory beanFactory,
            SagaProperties properties) {
        return new SagaStartupValidation(postProcessor.collector(), registry, policies, beanFactory,
                properties.determinismCheck());
    }

    /**
     * With {@code spring.main.lazy-initialization=true}, keeps the beans that declare sagas or
     * steps eager: the engine must find them at startup, and proxy their steps, before any saga
     * runs.
     */
    @Bean
    static LazyInitializationExcludeFilter sagaBeansStayEager() {
        return (beanName, definition, beanType) -> beanType != null
                && DefinitionCollector.declaresSagaOrSteps(ClassUtils.getUserClass(beanType));
    }
}
