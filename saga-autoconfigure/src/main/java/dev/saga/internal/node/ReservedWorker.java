package dev.saga.internal.node;

import java.time.Instant;

import dev.saga.internal.ledger.InstanceRecord;

/**
 * A worker of this node held for one saga being started here. The saga's outbox row is written
 * claimed by this node with this lease; after the commit the worker runs it, or, should the start
 * roll back, is given back.
 */
public interface ReservedWorker {

    String nodeId();

    /** When the lease written with the saga runs out. */
    Instant leaseEnd();

    /** Runs the saga just committed; it has no history yet, so nothing needs to be read back. */
    void run(InstanceRecord started);

    /** Gives the worker back: the start did not commit. */
    void release();
}
