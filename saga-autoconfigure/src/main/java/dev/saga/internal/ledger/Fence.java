package dev.saga.internal.ledger;

import java.util.UUID;

/**
 * The right to record for one saga: its id and the fencing number this node got when it claimed
 * the saga. A write made with a number that is no longer current fails with
 * {@link FencedOffException}. The node's id is recorded with every ledger row written under it.
 */
public record Fence(UUID sagaId, long fencing, String nodeId) {
}
