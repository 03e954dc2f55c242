package dev.saga.autoconfigure;

import java.time.Duration;
import java.time.OffsetDateTime;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;

import io.micrometer.observation.ObservationRegistry;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.replay.ReplayCheck;
import dev.saga.internal.replay.ReplayEngine;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.time.ClockCheck;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaListener;

/** What runs a claimed saga: its clock, its events, replay, compensation and the runner. */
@Configuration(proxyBeanMethods = false)
class SagaEngineConfiguration {

    /** The engine's time; a test replaces it with a clock it can move forward. */
    @Bean
    @ConditionalOnMissingBean
    SagaClock sagaClock() {
        return SagaClock.system();
    }

    /** Warns when this node's clock strays from the database's: leases and due times use each node's clock. */
    @Bean
    @ConditionalOnMissingBean
    ClockCheck sagaClockCheck(SagaClock clock, @Qualifier("sagaJdbcTemplate") JdbcTemplate jdbc,
            SagaProperties properties, @Qualifier("sagaClockCheckScheduler") TaskScheduler scheduler) {
        return new ClockCheck(clock, () -> jdbc.queryForObject("select clock_timestamp()", OffsetDateTime.class)
                .toInstant(), EngineSettings.clockTolerance(properties), Duration.ofMinutes(5), scheduler);
    }

    @Bean
    @ConditionalOnMissingBean
    SagaEvents sagaEvents(ObjectProvider<SagaListener> listeners, ObjectProvider<ObservationRegistry> observations) {
        return new SagaEvents(() -> listeners.orderedStream().toList(),
                observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    @Bean
    @ConditionalOnMissingBean
    Compensator sagaCompensator(SagaRegistry registry, StepStore steps, PayloadCodec codec, RetryPolicies policies,
            PlatformTransactionManager transactionManager, SagaProperties properties, BeanFactory beanFactory,
            SagaClock clock) {
        return new Compensator(registry, steps, codec, policies, transactionManager,
                properties.dispatcher().maxInlineWait(), beanFactory::getBean, clock);
    }

    @Bean
    @ConditionalOnMissingBean
    ReplayEngine sagaReplayEngine(StepStore steps, SignalStore signals, PayloadCodec codec, RetryPolicies policies,
            Compensator compensator, PlatformTransactionManager transactionManager, SagaProperties properties,
            SagaClock clock, SagaEvents events,
            @Qualifier("sagaTimedStepExecutor") AsyncTaskExecutor timedSteps) {
        return new ReplayEngine(steps, signals, codec, policies, compensator, transactionManager,
                properties.dispatcher().maxInlineWait(), clock, EngineSettings.historyLimits(properties), events,
                timedSteps);
    }

    /** Replays recorded histories against the code deployed here, running nothing: for {@code SagaOperations}. */
    @Bean
    @ConditionalOnMissingBean
    ReplayCheck sagaReplayCheck(ReplayEngine engine, SagaRegistry registry, PayloadCodec codec,
            BeanFactory beanFactory) {
        return new ReplayCheck(engine, registry, codec, beanFactory::getBean);
    }

    @Bean
    @ConditionalOnMissingBean
    SagaRunner sagaRunner(SagaRegistry registry, StepStore steps, SignalStore signals, OutboxStore outbox,
            InstanceStore instances, InstanceQueries queries, PayloadCodec codec, ReplayEngine engine,
            Compensator compensator, PlatformTransactionManager transactionManager, SagaProperties properties,
            BeanFactory beanFactory, SagaClock clock, SagaEvents events) {
        return new SagaRunner(registry, steps, signals, outbox, instances, queries, codec, engine, compensator,
                transactionManager, beanFactory::getBean, clock, EngineSettings.runner(properties), events);
    }
}
