package dev.saga;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Whether today's code replays a recorded saga history as it was recorded: the answer of
 * {@link SagaOperations#replayHistory(String, String)} and {@link SagaOperations#replayUnfinished()}.
 *
 * <pre>{@code
 * var result = operations.replayHistory("orders/paid.json", Files.readString(path));
 * assertThat(result.matches()).as(result.divergence()).isTrue();
 * }</pre>
 *
 * @param source where the history came from: the name given to {@code replayHistory} (a file
 *     name, say), or {@code "database"} for a saga read by {@code replayUnfinished}
 * @param sagaId the saga the history belongs to
 * @param sagaName the saga's name
 * @param stepsReplayed how many entries of the history (steps, waits, primitives, markers) the
 *     code went through before the check stopped: at the end of the history, at the end of the
 *     entry method, or where it diverged
 * @param divergence what differs, as a readable diff of what was recorded and what the code asks
 *     for now, with the history around that place; {@code null} when the history matches
 */
public record ReplayResult(String source, UUID sagaId, String sagaName, int stepsReplayed,
        @Nullable String divergence) {

    /** Whether today's code makes the recorded calls in the recorded order, as far as the history goes. */
    public boolean matches() {
        return divergence == null;
    }
}
