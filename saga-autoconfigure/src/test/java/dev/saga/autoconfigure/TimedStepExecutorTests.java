package dev.saga.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.saga.testsupport.TestDatabase;

/** The threads of timed steps: a bounded Spring executor of the engine's own, nobody else's. */
class TimedStepExecutorTests {

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
                        "spring.datasource.password=" + TestDatabase.password(), "saga.dispatcher.enabled=false");
    }

    @Test
    void oneThreadPerWorkerAndNoQueue() {
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
                .hasBean("sagaTimedStepExecutor"));
    }
}
