package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.saga.fixtures.Journal;
import dev.saga.fixtures.JournalConfiguration;
import dev.saga.internal.dispatch.SagaDispatcher;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.BreakableProxy;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestDatabase;
import dev.saga.testsupport.TestEngine;

/** The database goes away: at startup the application refuses to start; while running, the engine waits calmly. */
class DatabaseOutageTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    @Test
    void refusesToStartWithAMessageNamingTheUnreachableDatabase() throws Exception {
        try (var proxy = new BreakableProxy(TestDatabase.freshDatabase());
                var engine = new TestEngine(proxy.jdbcUrl())) {
            proxy.cut();

            assertThatThrownBy(() -> engine.startNode(List.of(NapConfiguration.class)))
                    .hasMessageContaining("Error creating bean with name 'sagaSchemaMigration'")
                    .hasMessageContaining("Unable to obtain connection from database: Connection to localhost:"
                            + proxy.port() + " refused");

            proxy.restore();
            var node = engine.startNode(List.of(NapConfiguration.class));
            assertThat(Ledger.of(node).instances())
                    .as("started once the database is back, nothing stored by the failed start").isZero();
        }
    }

    @Test
    void waitsForTheDatabaseWithOneWarningAndItsUsualPollThenFinishesASagaStartedBeforeTheOutage() throws Exception {
        var logger = (Logger) LoggerFactory.getLogger(SagaDispatcher.class);
        var events = new ListAppender<ILoggingEvent>();
        try (var proxy = new BreakableProxy(TestDatabase.freshDatabase());
                var engine = new TestEngine(proxy.jdbcUrl())) {
            var node = engine.startNode(List.of(NapConfiguration.class), List.of(
                    "spring.datasource.hikari.connection-timeout=250", "saga.dispatcher.max-inline-wait=0ms",
                    "saga.dispatcher.poll-interval=" + POLL.toMillis() + "ms"), context -> {
                    });
            var client = TestEngine.client(node);
            var id = client.start("nap", "outage-1");
            awaitNapping(node, id);
            events.start();
            logger.addAppender(events);
            var previousLevel = logger.getLevel();
            logger.setLevel(Level.DEBUG);
            try {
                long cutAt = System.nanoTime();
                proxy.cut();
                await().atMost(WAIT).until(() -> failures(events, "could not claim work").size() >= 5);
                long outageMillis = (System.nanoTime() - cutAt) / 1_000_000;
                var duringOutage = List.copyOf(events.list);

                proxy.restore();
                await().atMost(WAIT).ignoreExceptions() // until the pool has connected again
                        .until(() -> client.find(id).orElseThrow().status() == SagaStatus.COMPLETED);
                assertThat(client.awaitResult(id, String.class, WAIT)).isEqualTo("rested");

                var claimFailures = failures(duringOutage, "could not claim work");
                assertThat(claimFailures.get(0).getLevel()).isEqualTo(Level.WARN);
                assertThat(claimFailures.get(0).getFormattedMessage()).contains("Is the database available?")
                        .contains("tried again every PT0.2S");
                assertThat(claimFailures).extracting(ILoggingEvent::getFormattedMessage).as("the root cause")
                        .anyMatch(message -> message.contains("PSQLException: Connection to localhost:" + proxy.port()
                                + " refused"));
                assertThat(claimFailures.subList(1, claimFailures.size())).extracting(ILoggingEvent::getLevel)
                        .containsOnly(Level.DEBUG);
                assertThat(claimFailures.size()).as("no busy loop: at most one claim per poll interval in "
                        + outageMillis + " ms").isLessThanOrEqualTo((int) (outageMillis / POLL.toMillis()) + 2);
                assertThat(duringOutage).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .as("one warning per operation, not one per poll").hasSizeLessThanOrEqualTo(3);
                assertThat(duringOutage).as("no stack traces").allMatch(e -> e.getThrowableProxy() == null);
                await().atMost(WAIT).until(() -> events.list.stream().anyMatch(e -> e.getLevel() == Level.INFO
                        && e.getFormattedMessage().contains("can claim work again, after")));
            } finally {
                logger.detachAppender(events);
                logger.setLevel(previousLevel);
            }
            assertThat(node.getBean(Journal.class).of("outage-1")).as("each step once")
                    .containsExactly("before", "after");
        }
    }

    private static List<ILoggingEvent> failures(List<ILoggingEvent> events, String what) {
        return List.copyOf(events).stream().filter(e -> e.getFormattedMessage().contains(what)).toList();
    }

    private static List<ILoggingEvent> failures(ListAppender<ILoggingEvent> events, String what) {
        return failures(events.list, what);
    }

    private static void awaitNapping(org.springframework.context.ConfigurableApplicationContext node, UUID id) {
        var ledger = Ledger.of(node);
        await().atMost(WAIT).until(() -> ledger.steps(id).stream()
                .anyMatch(row -> row.kind() == StepKind.SLEEP && row.status() == StepStatus.RETRYING));
    }

    /** A step, a nap of a second (suspended), another step. */
    @Configuration(proxyBeanMethods = false)
    @Import({JournalConfiguration.class, Nap.class})
    static class NapConfiguration {

        @Bean
        NapSteps napSteps(Journal journal, DataSource dataSource) {
            return new NapSteps(journal, new JdbcTemplate(dataSource));
        }
    }

    /** Writes its effects to the journal. */
    public static class NapSteps {
        private final Journal journal;

        NapSteps(Journal journal, JdbcTemplate jdbc) {
            this.journal = journal;
        }

        @Step(compensation = Step.Compensation.NONE)
        public void before(String key) {
            journal.add(key, "before");
        }

        @Step(compensation = Step.Compensation.NONE)
        public void after(String key) {
            journal.add(key, "after");
        }
    }

    /** Naps between two steps. */
    @Saga("nap")
    public static class Nap {
        private final NapSteps steps;

        public Nap(NapSteps steps) {
            this.steps = steps;
        }

        public String run(String key) {
            steps.before(key);
            Sagas.sleep(Duration.ofSeconds(1));
            steps.after(key);
            return "rested";
        }
    }
}
