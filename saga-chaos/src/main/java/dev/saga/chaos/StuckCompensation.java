package dev.saga.chaos;

/** A compensation that cannot go on until an operator has looked: not retried, the saga ends FAILED. */
public class StuckCompensation extends RuntimeException {

    public StuckCompensation(String key, int time) {
        super("the release of " + key + " is stuck (time " + time + "); an operator must retry the saga");
    }
}
