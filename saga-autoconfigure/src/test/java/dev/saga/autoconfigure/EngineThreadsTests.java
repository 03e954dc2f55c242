package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.saga.testsupport.TestDatabase;

/**
 * The engine's own threads for the application's code, nobody else's: timed steps get a bounded
 * pool without a queue, and both pools follow Boot's conventions for executors: the application's
 * task decorator wraps every task, and {@code spring.threads.virtual.enabled} puts them on virtual
 * threads where the JVM has them.
 */
class EngineThreadsTests {

    private static final ThreadLocal<String> DECORATED = new ThreadLocal<>();
    private static String jdbcUrl;

    @BeforeAll
    static void database() {
        jdbcUrl = TestDatabase.freshDatabase();
    }

    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                        SagaAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + jdbcUrl,
                        "spring.datasource.username=" + TestDatabase.user(),
                        "spring.datasource.password=" + TestDatabase.password());
    }

    @Test
    void timedStepsGetOneThreadPerWorkerAndNoQueue() {
        runner().withPropertyValues("saga.dispatcher.worker-threads=3").run(context -> {
            var executor = context.getBean("sagaTimedStepExecutor", ThreadPoolTaskExecutor.class);
            assertThat(executor.getCorePoolSize()).isEqualTo(3);
            assertThat(executor.getMaxPoolSize()).isEqualTo(3);
            assertThat(executor.getQueueCapacity()).isZero();
            assertThat(executor.isDaemon()).isTrue();
            assertThat(executor.getThreadNamePrefix()).isEqualTo("saga-timed-step-");
        });
    }

    @Test
    void leavesTheApplicationsTaskExecutorInPlace() {
        runner().run(context -> assertThat(context).hasNotFailed().hasBean("applicationTaskExecutor")
                .hasBean("sagaTimedStepExecutor").hasBean("sagaWorkerExecutor"));
    }

    @Test
    void theApplicationsTaskDecoratorWrapsSagaRunsAndTimedAttemptsBesideTheEnginesOwn() {
        runner().withUserConfiguration(Decorating.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(seenOn(context, "sagaWorkerExecutor")).isEqualTo("decorated on saga-worker-");
            MDC.put("sagaId", "saga-1");
            try {
                assertThat(seenOn(context, "sagaTimedStepExecutor")).as("the engine's decorator still carries the MDC")
                        .isEqualTo("decorated on saga-timed-step- for saga-1");
            } finally {
                MDC.remove("sagaId");
            }
        });
    }

    @Test
    void withoutADecoratorTasksRunAsGiven() {
        runner().run(context -> assertThat(seenOn(context, "sagaWorkerExecutor")).isEqualTo("null on saga-worker-"));
    }

    @Test
    void runsOnVirtualThreadsWhenBootDoesAndTheJvmHasThem() {
        runner().withPropertyValues("spring.threads.virtual.enabled=true").run(context -> {
            var workers = context.getBean("sagaWorkerExecutor", AsyncTaskExecutor.class);
            var timed = context.getBean("sagaTimedStepExecutor", AsyncTaskExecutor.class);
            if (Runtime.version().feature() >= 21) {
                assertThat(workers).isInstanceOf(SimpleAsyncTaskExecutor.class);
                assertThat(timed).isInstanceOf(SimpleAsyncTaskExecutor.class);
                assertThat(workers.submit(EngineThreadsTests::virtual).get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(timed.submit(EngineThreadsTests::virtual).get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(((SimpleAsyncTaskExecutor) workers).getConcurrencyLimit()).isEqualTo(8);
            } else {
                // Boot ignores the property below Java 21, and so does the engine
                assertThat(workers).isInstanceOf(ThreadPoolTaskExecutor.class);
                assertThat(workers.submit(EngineThreadsTests::virtual).get(10, TimeUnit.SECONDS)).isFalse();
            }
        });
    }

    /** What a task saw of the decorator, the thread's name (less its number) and the MDC's saga id. */
    private static String seenOn(ApplicationContext context, String executor) throws Exception {
        return context.getBean(executor, AsyncTaskExecutor.class).submit(() -> {
            var sagaId = MDC.get("sagaId");
            return DECORATED.get() + " on " + Thread.currentThread().getName().replaceAll("\\d+$", "")
                    + (sagaId == null ? "" : " for " + sagaId);
        }).get(10, TimeUnit.SECONDS);
    }

    /** {@code Thread.isVirtual()}, which Java 17 (the bytecode level) does not have. */
    private static boolean virtual() throws Exception {
        if (Runtime.version().feature() < 21) {
            return false;
        }
        return (boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
    }

    @Configuration(proxyBeanMethods = false)
    static class Decorating {

        /** As context propagation would: sets what the task sees for the time it runs. */
        @Bean
        TaskDecorator marking() {
            return task -> () -> {
                DECORATED.set("decorated");
                try {
                    task.run();
                } finally {
                    DECORATED.remove();
                }
            };
        }
    }
}
