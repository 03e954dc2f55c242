package dev.saga;

import java.time.Duration;

/**
 * How much work waits for the dispatchers.
 *
 * @param due sagas due to run now that no node has claimed
 * @param oldestDueAge how long the oldest of them has been due; zero when none is
 * @param parked sagas PARKED or FAILED, waiting for an operator
 */
public record SagaBacklog(long due, Duration oldestDueAge, long parked) {
}
