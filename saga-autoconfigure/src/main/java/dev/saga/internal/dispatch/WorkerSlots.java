package dev.saga.internal.dispatch;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * This node's workers as permits, and the sagas that hold them: one permit per worker, taken
 * before a saga is claimed or written claimed at its start, given back when its run ends.
 */
final class WorkerSlots {

    private final Semaphore free;
    /** Sagas written claimed by this node at their start, until their worker confirmed or gave them back. */
    private final Set<UUID> reserved = ConcurrentHashMap.newKeySet();
    /** Sagas a worker of this node runs (or is about to): only their leases are renewed. */
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();

    WorkerSlots(int workers) {
        this.free = new Semaphore(workers);
    }

    /** Holds a free worker for a saga being started here; false when none is free. */
    boolean reserve(UUID sagaId) {
        if (!free.tryAcquire()) {
            return false;
        }
        if (!reserved.add(sagaId)) {
            free.release();
            return false;
        }
        return true;
    }

    /** The worker held for a start is free again: the start did not commit, or its saga cannot run here. */
    void unreserve(UUID sagaId) {
        reserved.remove(sagaId);
        free.release();
    }

    /** The started saga was confirmed: its held worker runs it now. */
    void reservedNowRunning(UUID sagaId) {
        running.add(sagaId); // before it leaves reserved: a poll's copy finds it in one of the two sets
        reserved.remove(sagaId);
    }

    /** Takes every free worker at once, so that a start here cannot take one meanwhile. */
    int takeFree() {
        return free.drainPermits();
    }

    /** Gives back workers taken by {@link #takeFree()} that no claim needed. */
    void giveBack(int workers) {
        free.release(workers);
    }

    /** A worker taken by {@link #takeFree()} runs this claimed saga now. */
    void claimed(UUID sagaId) {
        running.add(sagaId);
    }

    /** The saga's run ended, or never began: its worker is free. */
    void ended(UUID sagaId) {
        running.remove(sagaId);
        free.release();
    }

    /** The sagas this node holds, reserved or running: a claim must not take them again. */
    Set<UUID> heldHere() {
        // reserved first: a held worker joins running before it leaves reserved, so it is in one of the copies
        var held = new HashSet<>(reserved);
        held.addAll(running);
        return held;
    }

    /** The sagas a worker runs now, whose leases are renewed. */
    Set<UUID> running() {
        return Set.copyOf(running);
    }

    boolean holds(UUID sagaId) {
        return running.contains(sagaId) || reserved.contains(sagaId);
    }

    int runningCount() {
        return running.size();
    }
}
