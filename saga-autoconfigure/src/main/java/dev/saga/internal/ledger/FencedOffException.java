package dev.saga.internal.ledger;

import java.util.UUID;

/**
 * This node lost its claim on a saga (its lease ran out and another node claimed it); nothing it
 * tried to record was kept.
 */
public class FencedOffException extends RuntimeException {

    public FencedOffException(UUID sagaId, long fencing) {
        super("Saga " + sagaId + " was claimed by another node; this node's claim (fencing number " + fencing
                + ") is void and its write was rolled back", null, false, false);
    }
}
