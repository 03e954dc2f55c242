package dev.saga.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.task.ThreadPoolTaskExecutorBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.saga.internal.replay.SagaContextDecorator;

/**
 * The engine's threads, as Spring beans that Spring shuts down. None is a default candidate for
 * injection, so the application's {@code @Async} and {@code @Scheduled} methods keep Boot's
 * executor and scheduler, and Boot's do not back off because of these.
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
    ThreadPoolTaskExecutor sagaWorkerExecutor(SagaProperties properties) {
        int workers = properties.dispatcher().workerThreads();
        return new ThreadPoolTaskExecutorBuilder().corePoolSize(workers).maxPoolSize(workers)
                .queueCapacity(workers) // never needs more: a saga is handed over only with a free worker's permit
                .threadNamePrefix("saga-worker-").acceptTasksAfterContextClose(true)
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
    ThreadPoolTaskExecutor sagaTimedStepExecutor(SagaProperties properties) {
        int threads = properties.dispatcher().workerThreads();
        var executor = new ThreadPoolTaskExecutorBuilder().corePoolSize(threads).maxPoolSize(threads).queueCapacity(0)
                .threadNamePrefix("saga-timed-step-").taskDecorator(new SagaContextDecorator())
                .acceptTasksAfterContextClose(true).build();
        executor.setDaemon(true);
        return executor;
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
