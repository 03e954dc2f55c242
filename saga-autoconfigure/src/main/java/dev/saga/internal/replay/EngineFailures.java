package dev.saga.internal.replay;

import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the engine's own failures in runs (the database unreachable, a commit in doubt) the way the
 * dispatcher logs its outages: the first in a row as one warning with its root cause and no stack
 * trace, the next ones at debug level, and the first run that records again as the recovery.
 */
final class EngineFailures {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);

    private final String nodeId;
    private final AtomicInteger inARow = new AtomicInteger();

    EngineFailures(String nodeId) {
        this.nodeId = nodeId;
    }

    void failed(UUID sagaId, Throwable failure) {
        int failures = inARow.incrementAndGet();
        if (failures == 1) {
            log.warn("Saga {}: the engine's database work failed on node {} ({}); the run is tried again shortly."
                    + " Further failures of runs are logged at debug level until one records again", sagaId, nodeId,
                    rootCause(failure));
        } else if (log.isDebugEnabled()) {
            log.debug("Saga {}: the engine's database work failed again ({} in a row): {}", sagaId, failures,
                    rootCause(failure));
        }
    }

    void succeeded() {
        int failures = inARow.getAndSet(0);
        if (failures > 0) {
            log.info("Saga runs on node {} record again, after {} runs ended by the engine's database failures",
                    nodeId, failures);
        }
    }

    /** The message that says most: the deepest SQL error's, else the failure's own. */
    private static String rootCause(Throwable failure) {
        String best = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        for (Throwable t = failure.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                best = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return best;
    }
}
