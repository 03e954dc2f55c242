package dev.saga.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;

import dev.saga.SagaClient;
import dev.saga.SagaOperations;
import dev.saga.internal.client.DefaultSagaClient;
import dev.saga.internal.client.ResultAwaiter;
import dev.saga.internal.client.SagaCommands;
import dev.saga.internal.client.SagaReadModel;
import dev.saga.internal.client.SagaStarter;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.node.LazyLocalNode;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.outbox.ClaimStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.replay.ReplayCheck;
import dev.saga.internal.replay.SagaRunner;
import dev.saga.internal.retention.RetentionJob;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.time.SagaClock;

/**
 * This node: the client an application calls, the operator's view, the dispatcher that claims and
 * runs due sagas (unless {@code saga.dispatcher.enabled=false}) and the retention job.
 */
@Configuration(proxyBeanMethods = false)
class SagaNodeConfiguration {

    /** Tells callers waiting on this node when a saga that ran here finished. */
    @Bean
    @ConditionalOnMissingBean
    LocalCompletions sagaLocalCompletions() {
        return new LocalCompletions();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "saga.dispatcher.enabled", havingValue = "true", matchIfMissing = true)
    SagaDispatcher sagaDispatcher(ClaimStore claims, SagaRunner runner, SagaProperties properties, SagaClock clock,
            LocalCompletions completions, @Qualifier("sagaWorkerExecutor") TaskExecutor workers,
            @Qualifier("sagaDispatcherScheduler") TaskScheduler scheduler) {
        return new SagaDispatcher(claims, runner, EngineSettings.dispatcher(properties, runner.nodeId()), clock,
                completions, workers, scheduler);
    }

    /** Reaches this node's dispatcher (when it has one) lazily: the client may be created first. */
    @Bean
    @ConditionalOnMissingBean
    SagaClient sagaClient(SagaRegistry registry, StepStore steps, SignalStore signals, OutboxStore outbox,
            CallerWrites writes, InstanceQueries queries, PayloadCodec codec,
            PlatformTransactionManager transactionManager, ObjectProvider<SagaDispatcher> dispatcher, SagaClock clock,
            SagaProperties properties, RetryPolicies policies, SagaEvents events, LocalCompletions completions,
            ReplayCheck replayCheck) {
        var node = new LazyLocalNode(dispatcher::getIfAvailable);
        var deadlines = EngineSettings.defaultDeadlines(properties);
        var reads = new SagaReadModel(registry, queries, steps, outbox, clock, policies, deadlines,
                properties.dispatcher().lease(), replayCheck::replay, transactionManager);
        return new DefaultSagaClient(new SagaStarter(registry, writes, queries, codec, node, clock, deadlines, events),
                new SagaCommands(writes, queries, signals, outbox, codec, transactionManager, node, clock), reads,
                new ResultAwaiter(reads, codec, node, completions));
    }

    /** Counts, backlog, definitions and histories, for operators, monitoring and checks before a deploy. */
    @Bean
    @ConditionalOnMissingBean
    SagaOperations sagaOperations(SagaRegistry registry, InstanceQueries queries, StepStore steps, OutboxStore outbox,
            SagaClock clock, SagaProperties properties, RetryPolicies policies, ReplayCheck replayCheck,
            PlatformTransactionManager transactionManager) {
        return new SagaReadModel(registry, queries, steps, outbox, clock, policies,
                EngineSettings.defaultDeadlines(properties), properties.dispatcher().lease(), replayCheck::replay,
                transactionManager);
    }

    @Bean
    @ConditionalOnMissingBean
    RetentionJob sagaRetentionJob(InstanceStore instances, SagaClock clock, SagaProperties properties,
            @Qualifier("sagaRetentionScheduler") TaskScheduler scheduler) {
        var retention = properties.retention();
        return new RetentionJob(instances, clock, EngineSettings.retention(retention), retention.batchSize(),
                retention.interval(), scheduler);
    }
}
