package dev.saga.autoconfigure;

import java.net.InetAddress;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.SagaStatus;
import dev.saga.internal.client.DefaultSagaClient;
import dev.saga.internal.client.ResultAwaiter;
import dev.saga.internal.client.SagaCommands;
import dev.saga.internal.client.SagaReadModel;
import dev.saga.internal.client.SagaStarter;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.definition.DefinitionCollector;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.events.SagaEvents;
import dev.saga.spi.SagaListener;
import io.micrometer.observation.ObservationRegistry;
import dev.saga.internal.dispatch.DispatcherSettings;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.internal.interception.SagaAnnotationPostProcessor;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.node.LazyLocalNode;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.replay.HistoryLimits;
import dev.saga.internal.replay.ReplayEngine;
import dev.saga.internal.replay.SagaContextDecorator;
import dev.saga.internal.retention.RetentionJob;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.time.ClockCheck;
import dev.saga.internal.time.SagaClock;

/**
 * Configures the saga engine on the application's {@link DataSource} and transaction manager:
 * migrates the engine's own schema, finds sagas and steps, and runs the dispatcher.
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
@Import(SagaThreadPools.class)
public class SagaAutoConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static SagaAnnotationPostProcessor sagaAnnotationPostProcessor() {
        return new SagaAnnotationPostProcessor();
    }

    /**
     * The engine's tables, in their own schema with their own history table, so they never meet the
     * application's migrations. Registered as an initializer (not a {@code Flyway} bean) so that
     * Boot's own Flyway still configures itself for the application.
     */
    @Bean
    @ConditionalOnMissingBean(name = "sagaSchemaMigration")
    FlywayMigrationInitializer sagaSchemaMigration(DataSource dataSource, SagaProperties properties) {
        var flyway = Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .schemas(SqlSupport.schema(properties.schema()))
                .createSchemas(true)
                .table("saga_schema_history")
                .locations("classpath:db/saga/migration")
                .load();
        return new FlywayMigrationInitializer(flyway);
    }

    @Bean
    @ConditionalOnMissingBean
    PayloadCodec sagaPayloadCodec(ObjectProvider<ObjectMapper> mappers, SagaProperties properties) {
        return new PayloadCodec(mappers.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build()),
                properties.maxPayloadSize().toBytes());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    StepStore sagaStepStore(DataSource dataSource, PayloadCodec codec, SagaProperties properties) {
        return new StepStore(new JdbcTemplate(dataSource), codec, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    InstanceStore sagaInstanceStore(DataSource dataSource, StepStore steps, SagaProperties properties) {
        return new InstanceStore(new JdbcTemplate(dataSource), steps, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    CallerWrites sagaCallerWrites(DataSource dataSource, StepStore steps, SagaProperties properties) {
        return new CallerWrites(new JdbcTemplate(dataSource), steps, properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    InstanceQueries sagaInstanceQueries(DataSource dataSource, SagaProperties properties) {
        return new InstanceQueries(new JdbcTemplate(dataSource), properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    SignalStore sagaSignalStore(DataSource dataSource, SagaProperties properties) {
        return new SignalStore(new JdbcTemplate(dataSource), properties.schema());
    }

    /** The engine's time; a test replaces it with a clock it can move forward. */
    @Bean
    @ConditionalOnMissingBean
    SagaClock sagaClock() {
        return SagaClock.system();
    }

    /**
     * Warns when this node's clock is more than a quarter lease (at least a second) from the
     * database's: leases and due times come from each node's clock.
     */
    @Bean
    @ConditionalOnMissingBean
    ClockCheck sagaClockCheck(SagaClock clock, DataSource dataSource, SagaProperties properties,
            @Qualifier("sagaClockCheckScheduler") TaskScheduler scheduler) {
        var jdbc = new JdbcTemplate(dataSource);
        var quarterLease = properties.dispatcher().lease().dividedBy(4);
        var tolerance = quarterLease.compareTo(java.time.Duration.ofSeconds(1)) < 0 ? java.time.Duration.ofSeconds(1)
                : quarterLease;
        return new ClockCheck(clock, () -> jdbc.queryForObject("select clock_timestamp()",
                java.time.OffsetDateTime.class).toInstant(), tolerance, java.time.Duration.ofMinutes(5), scheduler);
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    OutboxStore sagaOutboxStore(DataSource dataSource, SagaProperties properties) {
        return new OutboxStore(new JdbcTemplate(dataSource), properties.schema());
    }

    @Bean
    @ConditionalOnMissingBean
    @DependsOn("sagaSchemaMigration")
    ClaimStore sagaClaimStore(DataSource dataSource, SagaProperties properties) {
        return new ClaimStore(new JdbcTemplate(dataSource), properties.schema());
    }

    /** Tells callers waiting on this node when a saga that ran here finished. */
    @Bean
    @ConditionalOnMissingBean
    LocalCompletions sagaLocalCompletions() {
        return new LocalCompletions();
    }

    @Bean
    @ConditionalOnMissingBean
    SagaRegistry sagaRegistry() {
        return new SagaRegistry();
    }

    @Bean
    @ConditionalOnMissingBean
    RetryPolicies sagaRetryPolicies(SagaProperties properties) {
        return RetrySettingsMapper.retryPolicies(properties);
    }

    @Bean
    static SagaStartupValidation sagaStartupValidation(SagaAnnotationPostProcessor postProcessor,
            SagaRegistry registry, RetryPolicies policies, ConfigurableListableBeanFactory beanFactory) {
        return new SagaStartupValidation(postProcessor.collector(), registry, policies, beanFactory);
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

    @Bean
    @ConditionalOnMissingBean
    SagaEvents sagaEvents(ObjectProvider<SagaListener> listeners, ObjectProvider<ObservationRegistry> observations) {
        return new SagaEvents(() -> listeners.orderedStream().toList(),
                observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    @Bean
    @ConditionalOnMissingBean
    ReplayEngine sagaReplayEngine(StepStore ledger, SignalStore signals, PayloadCodec codec,
            RetryPolicies policies, Compensator compensator, PlatformTransactionManager transactionManager,
            SagaProperties properties, SagaClock clock, SagaEvents events,
            @Qualifier("sagaTimedStepExecutor") ThreadPoolTaskExecutor timedSteps) {
        return new ReplayEngine(ledger, signals, codec, policies, compensator, transactionManager,
                properties.dispatcher().maxInlineWait(), clock, new HistoryLimits(properties.history().warnEntries(),
                        properties.history().maxEntries()), events, timedSteps);
    }

    /**
     * The threads of step attempts with a timeout: one per worker (see guarantees.md), and no
     * queue, so an attempt gets a thread now or the saga waits for one, never past its timeout in
     * a queue. Not a default candidate, so that it is nobody's {@code Executor} by type: Boot's
     * {@code applicationTaskExecutor} and {@code @Async} stay as the application has them. It takes
     * tasks until it is destroyed: sagas that finish while the dispatcher stops still run their
     * timed steps.
     */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaTimedStepExecutor")
    ThreadPoolTaskExecutor sagaTimedStepExecutor(SagaProperties properties) {
        int threads = properties.dispatcher().workerThreads();
        var executor = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads).maxPoolSize(threads).queueCapacity(0)
                .threadNamePrefix("saga-timed-step-").taskDecorator(new SagaContextDecorator())
                .acceptTasksAfterContextClose(true).build();
        executor.setDaemon(true);
        return executor;
    }

    @Bean
    @ConditionalOnMissingBean
    Compensator sagaCompensator(SagaRegistry registry, StepStore ledger, PayloadCodec codec, RetryPolicies policies,
            PlatformTransactionManager transactionManager, SagaProperties properties, BeanFactory beanFactory,
            SagaClock clock) {
        return new Compensator(registry, ledger, codec, policies, transactionManager,
                properties.dispatcher().maxInlineWait(), beanFactory::getBean, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    SagaRunner sagaRunner(SagaRegistry registry, StepStore ledger, SignalStore signals, OutboxStore outbox,
            InstanceStore instances, InstanceQueries queries,
            PayloadCodec codec, ReplayEngine engine, Compensator compensator,
            PlatformTransactionManager transactionManager, SagaProperties properties, BeanFactory beanFactory,
            SagaClock clock, SagaEvents events) {
        return new SagaRunner(registry, ledger, signals, outbox, instances, queries, codec, engine, compensator,
                transactionManager, beanFactory::getBean, clock, new SagaRunner.Settings(nodeId(properties),
                        properties.maxRecoveryAttempts()), events);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "saga.dispatcher.enabled", havingValue = "true", matchIfMissing = true)
    SagaDispatcher sagaDispatcher(ClaimStore claims, SagaRunner runner, SagaProperties properties, SagaClock clock,
            LocalCompletions completions, @Qualifier("sagaWorkerExecutor") TaskExecutor workers,
            @Qualifier("sagaDispatcherScheduler") TaskScheduler scheduler) {
        var dispatcher = properties.dispatcher();
        return new SagaDispatcher(claims, runner, new DispatcherSettings(runner.nodeId(), dispatcher.workerThreads(),
                dispatcher.pollInterval(), dispatcher.lease(), dispatcher.shutdownTimeout()), clock, completions,
                workers, scheduler);
    }

    @Bean
    @ConditionalOnMissingBean
    SagaClient sagaClient(SagaRegistry registry, StepStore ledger, SignalStore signals, OutboxStore outbox,
            CallerWrites writes, InstanceQueries queries,
            PayloadCodec codec, PlatformTransactionManager transactionManager, ObjectProvider<SagaDispatcher> dispatcher,
            SagaClock clock, SagaProperties properties, RetryPolicies policies, SagaEvents events,
            LocalCompletions completions) {
        var node = new LazyLocalNode(dispatcher::getIfAvailable);
        var deadlines = defaultDeadlines(properties);
        var sagas = new SagaReadModel(registry, queries, ledger, outbox, clock, policies, deadlines);
        return new DefaultSagaClient(new SagaStarter(registry, writes, queries, codec, node, clock, deadlines, events),
                new SagaCommands(writes, queries, signals, outbox, codec, transactionManager, node, clock), sagas,
                new ResultAwaiter(sagas, codec, node, completions));
    }

    /** Counts, backlog and definitions, for operators and monitoring. */
    @Bean
    @ConditionalOnMissingBean
    SagaOperations sagaOperations(SagaRegistry registry, InstanceQueries queries, StepStore steps, OutboxStore outbox,
            SagaClock clock, SagaProperties properties, RetryPolicies policies) {
        return new SagaReadModel(registry, queries, steps, outbox, clock, policies, defaultDeadlines(properties));
    }

    private static java.util.Map<String, java.time.Duration> defaultDeadlines(SagaProperties properties) {
        var deadlines = new java.util.HashMap<String, java.time.Duration>();
        properties.sagas().forEach((saga, settings) -> {
            if (settings.deadline() != null) {
                deadlines.put(saga, settings.deadline());
            }
        });
        return deadlines;
    }

    @Bean
    @ConditionalOnMissingBean
    RetentionJob sagaRetentionJob(InstanceStore instances, SagaClock clock, SagaProperties properties,
            @Qualifier("sagaRetentionScheduler") TaskScheduler scheduler) {
        var retention = properties.retention();
        var keep = new java.util.EnumMap<SagaStatus, java.time.Duration>(SagaStatus.class);
        putIfSet(keep, SagaStatus.COMPLETED, retention.completed());
        putIfSet(keep, SagaStatus.COMPENSATED, retention.compensated());
        putIfSet(keep, SagaStatus.CANCELLED, retention.cancelled());
        putIfSet(keep, SagaStatus.FAILED, retention.failed());
        putIfSet(keep, SagaStatus.PARKED, retention.parked());
        return new RetentionJob(instances, clock, keep, retention.batchSize(), retention.interval(), scheduler);
    }

    private static void putIfSet(java.util.Map<SagaStatus, java.time.Duration> keep, SagaStatus status,
            java.time.Duration duration) {
        if (duration != null) {
            keep.put(status, duration);
        }
    }

    private static String nodeId(SagaProperties properties) {
        var configured = properties.dispatcher().nodeId();
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
