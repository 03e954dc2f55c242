package dev.saga.chaos;

/** The failure that ends every {@code doomed} saga: not retried, proves the step had no effect. */
public class Doomed extends RuntimeException {

    public Doomed(String key) {
        super("saga " + key + " is doomed: its last step always fails");
    }
}
