package dev.saga.internal.ledger;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;

/**
 * Logs the failures of one kind of the engine's database work without flooding the log while the
 * database is down: the first failure in a row as one warning with its root cause and no stack
 * trace, the next ones at debug level, and the first success after them as the recovery.
 */
public final class OutageLog {

    private final Logger log;
    private final String who;
    private final String work;
    private final String retried;
    private final AtomicInteger inARow = new AtomicInteger();

    /**
     * @param who who does the work, e.g. {@code Saga dispatcher on node n1}
     * @param work what failed, as it follows "could not", e.g. {@code claim work}
     * @param retried when it is tried again, as a sentence, e.g. {@code It is tried again every 1s}
     */
    public OutageLog(Logger log, String who, String work, String retried) {
        this.log = log;
        this.who = who;
        this.work = work;
        this.retried = retried;
    }

    public void failed(Throwable failure) {
        int failures = inARow.incrementAndGet();
        if (failures == 1) {
            log.warn("{} could not {}: {}. Is the database available? {}; further failures are logged at debug"
                    + " level until it succeeds", who, work, rootCause(failure), retried);
        } else if (log.isDebugEnabled()) {
            log.debug("{} could not {} ({} failures in a row): {}", who, work, failures, rootCause(failure));
        }
    }

    public void succeeded() {
        int failures = inARow.getAndSet(0);
        if (failures > 0) {
            log.info("{} can {} again, after {} failures in a row", who, work, failures);
        }
    }

    /** The cause that says most: the deepest SQL error with a message (not the SQL text around it). */
    static String rootCause(Throwable failure) {
        Throwable best = failure;
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && (t instanceof SQLException || !(best instanceof SQLException))) {
                best = t;
            }
        }
        var text = best.getClass().getSimpleName() + ": " + best.getMessage();
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
