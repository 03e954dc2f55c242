package dev.saga.internal.client;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** What a command does once the caller's transaction has committed: wake this node, run a held worker. */
final class AfterCommit {

    private AfterCommit() {
    }

    /**
     * Runs the action once the caller's transaction commits (at once when there is none), or the
     * other one, when not null, if it rolls back. When the outcome is unknown (the commit failed
     * in doubt), the action runs if there is a rollback action too (a held worker, which confirms
     * in the database that the saga exists before it runs), else nothing does.
     */
    static void run(Runnable action, @Nullable Runnable onRollback) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            action.run();
            return;
        }
        // afterCompletion, not afterCommit: Spring stops calling afterCommit at the first synchronization that
        // throws, while every afterCompletion is called (and its exception logged), so a neighbour that throws
        // cannot leave a held worker neither run nor given back
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_ROLLED_BACK) {
                    if (onRollback != null) {
                        onRollback.run();
                    }
                } else if (status == STATUS_COMMITTED || onRollback != null) {
                    action.run(); // committed, or unknown with a worker that checks whether the saga exists
                }
            }
        });
    }

    /** Runs the action once the caller's transaction commits, or at once when there is none. */
    static void run(Runnable action) {
        run(action, null);
    }
}
