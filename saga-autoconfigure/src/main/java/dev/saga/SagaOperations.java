package dev.saga;

import java.util.Map;

/**
 * What an operator, a dashboard or a monitoring job reads about the engine as a whole: counts,
 * the backlog and the definitions. A bean beside {@link SagaClient}; an application that only
 * starts and signals sagas does not need it.
 *
 * <pre>{@code
 * @Scheduled(fixedDelay = 60_000)
 * void reportStuckSagas() {
 *     var backlog = operations.backlog();
 *     if (backlog.parked() > 0) {
 *         alerts.raise(backlog.parked() + " sagas wait for an operator");
 *     }
 *     operations.countByNameAndStatus().forEach((saga, counts) ->
 *             log.info("{}: {}", saga, counts));
 * }
 * }</pre>
 *
 * <p>Every method reads the database (the definitions excepted), so call them at a monitoring
 * pace, not per request.
 */
public interface SagaOperations {

    /** How many sagas there are of each name, by status. */
    Map<String, Map<SagaStatus, Long>> countByNameAndStatus();

    /** The work waiting for the dispatchers, and how many sagas wait for an operator. */
    SagaBacklog backlog();

    /** The sagas and steps found at startup, with their effective retry policies. */
    SagaDefinitionView definitions();
}
