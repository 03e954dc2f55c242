package dev.saga.chaos;

/** An injected failure that the engine retries. */
public class TransientFailure extends RuntimeException {

    public TransientFailure(String what) {
        super("injected transient failure in " + what);
    }
}
