package dev.saga.internal.ledger;

/**
 * The commit of a step's or compensation's transaction failed in a way that does not say whether
 * it took effect (the connection broke while the database may have committed). Not the step's
 * failure: the run must end without recording anything and replay, where the ledger row written in
 * that transaction says what happened.
 */
public final class CommitInDoubtException extends EngineWriteException {

    CommitInDoubtException(String what, RuntimeException cause) {
        super("The commit of " + what + " is in doubt (" + cause.getMessage() + ")", cause);
    }
}
