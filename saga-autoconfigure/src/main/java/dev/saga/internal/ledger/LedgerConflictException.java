package dev.saga.internal.ledger;

/**
 * A ledger write that would contradict what the ledger already holds: a record for an entry that
 * is COMPLETED. It means an earlier write of this run committed although its commit looked failed;
 * the run must end and replay from the ledger, which holds the truth.
 */
public final class LedgerConflictException extends EngineWriteException {

    LedgerConflictException(String message) {
        super(message, null);
    }
}
