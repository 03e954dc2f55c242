package dev.saga.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

class OutageLogTests {

    @Test
    void warnsOnceAnOutageBeginsLogsTheRestAtDebugAndTheRecoveryOnce() {
        var logger = (Logger) LoggerFactory.getLogger(OutageLogTests.class.getName() + ".outage");
        logger.setLevel(Level.DEBUG);
        var events = new ListAppender<ILoggingEvent>();
        events.start();
        logger.addAppender(events);
        var outage = new OutageLog(logger, "Saga dispatcher on node n1", "claim work", "It is tried again every PT1S");
        var refused = new DataAccessResourceFailureException("Failed to obtain JDBC Connection",
                new SQLException("Connection to 127.0.0.1:1 refused.", "08001"));

        outage.succeeded();
        outage.failed(refused);
        outage.failed(refused);
        outage.failed(refused);
        outage.succeeded();
        outage.succeeded();

        assertThat(events.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.WARN, Level.DEBUG, Level.DEBUG, Level.INFO);
        assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("Saga dispatcher on node n1 could not claim"
                + " work: SQLException: Connection to 127.0.0.1:1 refused. Is the database available? It is tried"
                + " again every PT1S; further failures are logged at debug level until it succeeds");
        assertThat(events.list.get(0).getThrowableProxy()).isNull();
        assertThat(events.list.get(2).getFormattedMessage()).contains("(3 failures in a row)");
        assertThat(events.list.get(3).getFormattedMessage())
                .isEqualTo("Saga dispatcher on node n1 can claim work again, after 3 failures in a row");
    }

    @Test
    void theRootCauseIsTheDeepestSqlErrorWithAMessageElseTheDeepestMessage() {
        var sql = new SQLException("deadlock detected");
        var wrapped = new IllegalStateException("could not run", new RuntimeException("SQL [update …]", sql));
        assertThat(OutageLog.rootCause(wrapped)).isEqualTo("SQLException: deadlock detected");

        var plain = new IllegalStateException("outer", new IllegalArgumentException("inner"));
        assertThat(OutageLog.rootCause(plain)).isEqualTo("IllegalArgumentException: inner");
        assertThat(OutageLog.rootCause(new IllegalStateException("alone"))).isEqualTo("IllegalStateException: alone");
    }
}
