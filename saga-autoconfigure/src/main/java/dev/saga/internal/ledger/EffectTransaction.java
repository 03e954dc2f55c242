package dev.saga.internal.ledger;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.UnexpectedRollbackException;

/**
 * Runs the effect of a step or compensation together with its ledger record: in one transaction
 * when the method is transactional (so both commit or neither does), else one after the other.
 *
 * <p>A failed commit is not the step's failure: the database may have committed before the reply
 * was lost. It is reported as {@link CommitInDoubtException}, never as what the work threw.
 */
public final class EffectTransaction {

    private EffectTransaction() {
    }

    /** The effect and its record; may throw whatever the user's method throws. */
    @FunctionalInterface
    public interface Work<T extends @Nullable Object> {
        T run() throws Throwable;
    }

    /**
     * @param definition the method's transaction, or {@code null} when it is not transactional
     * @param what what commits, for the message of a commit in doubt
     */
    public static <T extends @Nullable Object> T run(PlatformTransactionManager transactionManager,
            @Nullable TransactionDefinition definition,
            String what, Work<T> work) throws Throwable {
        if (definition == null) {
            return work.run();
        }
        TransactionStatus status = transactionManager.getTransaction(definition);
        T result;
        try {
            result = work.run();
        } catch (Throwable failure) {
            rollbackAfter(transactionManager, status, failure);
            throw failure;
        }
        try {
            transactionManager.commit(status);
        } catch (UnexpectedRollbackException rolledBack) {
            throw rolledBack; // marked rollback-only by the method itself: it rolled back for certain
        } catch (RuntimeException commitFailure) {
            if (answeredByTheDatabase(commitFailure)) {
                throw commitFailure; // an error reply (a deferred constraint, say): it rolled back for certain
            }
            throw new CommitInDoubtException(what, commitFailure);
        }
        return result;
    }

    /**
     * Runs the engine's record of a step's or compensation's outcome, inside its effect's
     * transaction when it has one. A database error here is the engine's, not the step's: it is
     * thrown as {@link EngineWriteException}, never taken for a failed attempt. Only the method's
     * own transaction running out of its {@code timeout} is the method's failure, thrown as it is;
     * a lost fence is thrown as it is too.
     *
     * @param definition the method's transaction, or {@code null} when it is not transactional
     * @param what what is recorded, for the message
     */
    public static void record(@Nullable TransactionDefinition definition, String what, Runnable write) {
        try {
            write.run();
        } catch (FencedOffException | EngineWriteException lostOrInDoubt) {
            throw lostOrInDoubt;
        } catch (org.springframework.dao.DataAccessException
                | org.springframework.transaction.TransactionException e) {
            if (timedOut(definition, e)) {
                throw e;
            }
            throw EngineWriteException.of(what, e);
        }
    }

    /**
     * Whether the failure is the method's own transaction running out of its {@code timeout}: the
     * step's (or compensation's) failure, handled by its retry policy, not the engine's.
     */
    static boolean timedOut(@Nullable TransactionDefinition definition, Throwable failure) {
        return definition != null && definition.getTimeout() > 0
                && (failure instanceof org.springframework.transaction.TransactionTimedOutException
                        || failure instanceof org.springframework.dao.QueryTimeoutException);
    }

    /**
     * Whether the failure is an error the database sent back (so it did not commit), as opposed to
     * a broken connection (SQLSTATE class 08), a server shutting down (57P) or no SQL state at all,
     * where the commit may have gone through.
     */
    public static boolean answeredByTheDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return !state.startsWith("08") && !state.startsWith("57P");
            }
        }
        return false;
    }

    private static void rollbackAfter(PlatformTransactionManager transactionManager, TransactionStatus status,
            Throwable failure) {
        try {
            transactionManager.rollback(status);
        } catch (RuntimeException | Error rollbackFailure) {
            failure.addSuppressed(rollbackFailure); // the work's failure is what counts
        }
    }
}
