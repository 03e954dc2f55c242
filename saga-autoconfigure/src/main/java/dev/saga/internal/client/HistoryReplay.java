package dev.saga.internal.client;

import dev.saga.ReplayResult;
import dev.saga.internal.ledger.SagaHistory;

/**
 * Replays a recorded history against the saga code deployed here, reading only: the engine's
 * replay check, which the wiring hands the read model (the client does not run sagas itself).
 */
@FunctionalInterface
public interface HistoryReplay {

    /** Whether today's code replays the history as recorded; {@code source} names it in the report. */
    ReplayResult replay(String source, SagaHistory history);
}
