package dev.saga.internal.replay;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.TransactionException;

import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.FencedOffException;

/**
 * The engine's own reads and writes while a saga runs: a lost fence abandons the run, and a
 * failing database ends it to be tried again, never failing (and compensating) the saga.
 */
final class EngineWrites {

    private EngineWrites() {
    }

    static void fenced(Runnable write) {
        fenced(() -> {
            write.run();
            return null;
        });
    }

    static <T extends @Nullable Object> T fenced(Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            throw control(e);
        }
    }

    /** The control error that ends the run for an engine write's failure; anything else is thrown as it is. */
    static SagaControl control(RuntimeException e) {
        if (e instanceof FencedOffException) {
            return new SagaControl.Abandon(e.getMessage());
        }
        if (e instanceof DataAccessException || e instanceof TransactionException || e instanceof EngineWriteException) {
            return new SagaControl.EngineFailure(e);
        }
        throw e;
    }
}
