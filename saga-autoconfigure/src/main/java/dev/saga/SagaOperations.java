package dev.saga;

import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * <p>Every method reads the database (the definitions and {@link #replayHistory} excepted), so
 * call them at a monitoring pace, not per request.
 *
 * <p>The history methods check a change of saga code against what sagas recorded, before it is
 * deployed: export a saga's history into a file ({@link #exportHistory}), and replay it, or every
 * unfinished saga, against the code of today ({@link #replayHistory}, {@link #replayUnfinished}).
 *
 * <pre>{@code
 * Files.writeString(Path.of("src/test/resources/orders/paid.json"), operations.exportHistory(sagaId));
 * // later, in a test of the changed code
 * var result = operations.replayHistory("orders/paid.json", Files.readString(path));
 * assertThat(result.matches()).as(result.divergence()).isTrue();
 * }</pre>
 */
public interface SagaOperations {

    /** How many sagas there are of each name, by status. */
    Map<String, Map<SagaStatus, Long>> countByNameAndStatus();

    /** The work waiting for the dispatchers, and how many sagas wait for an operator. */
    SagaBacklog backlog();

    /** The sagas and steps found at startup, with their effective retry policies. */
    SagaDefinitionView definitions();

    /**
     * The saga's history as a versioned JSON document: its name, version, id, run, status and
     * input, and every entry of its current run's ledger in sequence order (kind, name, status,
     * arguments, result, error, attempts, times). Payloads are embedded as JSON, unmasked; fields
     * come in a fixed order and the text is pretty-printed, so that it can be kept in a file and
     * compared. See docs/operations.md, "Exporting a history".
     *
     * @throws UnknownSagaException when no saga has the id
     */
    String exportHistory(UUID sagaId);

    /**
     * Replays a history exported by {@link #exportHistory} against the saga code deployed here,
     * without running anything: no step, compensation or wait runs, and nothing is written. The
     * entry method of the saga's name and recorded version runs with the recorded input; each
     * step, wait and {@code Sagas} call at a recorded position gets its recorded outcome (a
     * result read with today's types, or the recorded failure). Where the history ends, the
     * check stops and the history matches.
     *
     * <p>A divergence is reported, not thrown: a call other than the one recorded (another step,
     * order or name; a {@code Sagas.patched} marker the code no longer asks for), recorded
     * arguments or a result or input that today's types cannot read, the entry method ending
     * where the history goes on, and a saga name or version that is not deployed.
     *
     * @param source names the history in the result and its message, such as a file name
     * @param historyJson the document
     * @throws IllegalArgumentException when the text is not a saga history this engine reads
     */
    ReplayResult replayHistory(String source, String historyJson);

    /**
     * {@link #replayHistory} for every saga in the database that replays its entry method when it
     * next runs (RUNNING, and PARKED ones an operator may retry), oldest first: a check, read
     * only, before deploying changed saga code. It reads every such saga's history, so run it
     * once per deploy, not on a schedule.
     */
    List<ReplayResult> replayUnfinished();
}
