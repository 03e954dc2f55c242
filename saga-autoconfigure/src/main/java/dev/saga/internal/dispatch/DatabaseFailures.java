package dev.saga.internal.dispatch;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;

/**
 * Logs the failures of one of the dispatcher's periodic database operations without flooding the
 * log while the database is down: the first failure in a row as a warning with its root cause,
 * the next ones at debug level, and the first success after them as the recovery.
 */
final class DatabaseFailures {

    private final Logger log;
    private final String nodeId;
    private final String operation;
    private final Duration every;
    private final AtomicInteger inARow = new AtomicInteger();

    /**
     * @param operation what the dispatcher could not do, e.g. {@code claim work}
     * @param every how often the operation is tried again
     */
    DatabaseFailures(Logger log, String nodeId, String operation, Duration every) {
        this.log = log;
        this.nodeId = nodeId;
        this.operation = operation;
        this.every = every;
    }

    void failed(RuntimeException e) {
        int failures = inARow.incrementAndGet();
        if (failures == 1) {
            log.warn("Saga dispatcher on node {} could not {}: {}. Is the database available? It is tried again"
                    + " every {}; further failures are logged at debug level until it succeeds", nodeId, operation,
                    describe(e), every);
        } else if (log.isDebugEnabled()) {
            log.debug("Saga dispatcher on node {} could not {} ({} failures in a row): {}", nodeId, operation,
                    failures, describe(e));
        }
    }

    void succeeded() {
        int failures = inARow.getAndSet(0);
        if (failures > 0) {
            log.info("Saga dispatcher on node {} can {} again, after {} failures in a row", nodeId, operation,
                    failures);
        }
    }

    /** The cause that says most: the deepest SQL error with a message (not the SQL text around it). */
    private static String describe(RuntimeException e) {
        Throwable best = e;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && (t instanceof SQLException || !(best instanceof SQLException))) {
                best = t;
            }
        }
        var text = best == e ? String.valueOf(e.getMessage())
                : best.getClass().getSimpleName() + ": " + best.getMessage();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
