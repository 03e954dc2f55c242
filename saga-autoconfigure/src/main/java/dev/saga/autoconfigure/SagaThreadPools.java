package dev.saga.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.saga.internal.replay.SagaContextDecorator;

/**
 * The engine's threads, as Spring beans that Spring shuts down. None is a default candidate for
 * injection, so the application's {@code @Async} and {@code @Scheduled} methods keep Boot's
 * executor and scheduler, and Boot's do not back off because of these.
 *
 * <p>The two pools that run the application's code, the workers and the threads of timed steps,
 * follow Boot's conventions for executors: virtual threads with
 * {@code spring.threads.virtual.enabled} (on Java 21 and later), and the application's
 * {@link TaskDecorator} bean, if it has exactly one, as Boot applies it to its own executor. The
 * schedulers' single threads stay platform threads: a lease renewal must never wait for a carrier
 * thread that a pinned worker holds. Their sizes are the engine's ({@code worker-threads}), never
 * {@code spring.task.execution.*}, which configures the application's executor.
 */
@Configuration(proxyBeanMethods = false)
class SagaThreadPools {

    /**
     * The dispatcher's workers, one thread per saga running at once, started up front. The
     * dispatcher's stop drains them (within the shutdown timeout) before the context closes the
     * pool, so the pool accepts work until then.
     */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaWorkerExecutor")
    @ConditionalOnProperty(name = "saga.dispatcher.enabled", havingValue = "true", matchIfMissing = true)
    AsyncTaskExecutor sagaWorkerExecutor(SagaProperties properties, Environment environment,
            ObjectProvider<TaskDecorator> decorators) {
        int workers = properties.dispatcher().workerThreads();
        var decorator = decorators.getIfUnique();
        if (Threading.VIRTUAL.isActive(environment)) {
            // a thread per saga run; the permits keep them to worker-threads at once
            return new SimpleAsyncTaskExecutorBuilder().virtualThreads(true).threadNamePrefix("saga-worker-")
                    .concurrencyLimit(workers).taskDecorator(decorator).build();
        }
        return new ThreadPoolTaskExecutorBuilder().corePoolSize(workers).maxPoolSize(workers)
                .queueCapacity(workers) // never needs more: a saga is handed over only with a free worker's permit
                .threadNamePrefix("saga-worker-").acceptTasksAfterContextClose(true).taskDecorator(decorator)
                .additionalCustomizers(pool -> pool.setPrestartAllCoreThreads(true)).build();
    }

    /**
     * The dispatcher's one thread: polls (which must not overlap) and lease renewals. It runs on
     * after the context starts closing, renewing leases while the dispatcher's stop drains the
     * workers.
     */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaDispatcherScheduler")
    @ConditionalOnProperty(name = "saga.dispatcher.enabled", havingValue = "true", matchIfMissing = true)
    ThreadPoolTaskScheduler sagaDispatcherScheduler() {
        var scheduler = oneThread("saga-dispatcher-", false);
        scheduler.setAcceptTasksAfterContextClose(true);
        return scheduler;
    }

    /**
     * The threads of step attempts with a timeout: one per worker (see guarantees.md), and no
     * queue, so an attempt gets a thread now or the saga waits for one, never past its timeout in
     * a queue. Its decorator carries the step's saga context and MDC to the thread. It takes tasks
     * until it is destroyed: sagas that finish while the dispatcher stops still run their timed
     * steps.
     */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaTimedStepExecutor")
    AsyncTaskExecutor sagaTimedStepExecutor(SagaProperties properties, Environment environment,
            ObjectProvider<TaskDecorator> decorators) {
        int threads = properties.dispatcher().workerThreads();
        var decorator = withSagaContext(decorators.getIfUnique());
        if (Threading.VIRTUAL.isActive(environment)) {
            // virtual threads are daemons; the limit refuses a task, as the pool without a queue does
            return new SimpleAsyncTaskExecutorBuilder().virtualThreads(true).threadNamePrefix("saga-timed-step-")
                    .concurrencyLimit(threads).rejectTasksWhenLimitReached(true).taskDecorator(decorator).build();
        }
        var executor = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads).maxPoolSize(threads).queueCapacity(0)
                .threadNamePrefix("saga-timed-step-").taskDecorator(decorator)
                .acceptTasksAfterContextClose(true).build();
        executor.setDaemon(true);
        return executor;
    }

    /** The application's decorator, if any, around the engine's, which carries the saga's context. */
    private static TaskDecorator withSagaContext(@Nullable TaskDecorator application) {
        var engine = new SagaContextDecorator();
        return application == null ? engine : new CompositeTaskDecorator(List.of(application, engine));
    }

    /** The retention job's thread. */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaRetentionScheduler")
    ThreadPoolTaskScheduler sagaRetentionScheduler() {
        return oneThread("saga-retention-", false);
    }

    /** The clock check's thread; a daemon, so that it never keeps a JVM alive. */
    @Bean(defaultCandidate = false)
    @ConditionalOnMissingBean(name = "sagaClockCheckScheduler")
    ThreadPoolTaskScheduler sagaClockCheckScheduler() {
        return oneThread("saga-clock-check-", true);
    }

    /**
     * One thread for one job, so that a slow job (a retention delete, a database that hangs)
     * delays nothing else, above all no lease renewal.
     */
    private static ThreadPoolTaskScheduler oneThread(String threadNamePrefix, boolean daemon) {
        return new ThreadPoolTaskSchedulerBuilder().poolSize(1).threadNamePrefix(threadNamePrefix)
                .additionalCustomizers(scheduler -> scheduler.setDaemon(daemon)).build();
    }
}
