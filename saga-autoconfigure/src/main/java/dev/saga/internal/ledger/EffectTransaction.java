package dev.saga.internal.ledger;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the effect of a step or compensation together with its ledger record: in one transaction
 * when the method is transactional (so both commit or neither does), else one after the other.
 */
public final class EffectTransaction {

    private EffectTransaction() {
    }

    /** The effect and its record; may throw whatever the user's method throws. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Throwable;
    }

    /**
     * @param definition the method's transaction, or {@code null} when it is not transactional
     */
    public static <T> T run(PlatformTransactionManager transactionManager, TransactionDefinition definition,
            Work<T> work) throws Throwable {
        if (definition == null) {
            return work.run();
        }
        try {
            return new TransactionTemplate(transactionManager, definition).execute(status -> {
                try {
                    return work.run();
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable checked) {
                    throw new CheckedFailure(checked);
                }
            });
        } catch (CheckedFailure failure) {
            throw failure.getCause();
        }
    }

    /** A checked exception of the user's method, carried through the transaction callback. */
    private static final class CheckedFailure extends RuntimeException {
        CheckedFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }
}
