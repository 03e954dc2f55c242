package dev.saga.internal.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.saga.SagaStatus;
import dev.saga.internal.ledger.FinishedSaga;

/** Every caller waiting on this node for a saga is told how it ended. */
class LocalCompletionsTests {

    private final LocalCompletions completions = new LocalCompletions();

    @Test
    void tellsEveryWatcherOfASagaAfterAnotherOneStoppedWatching() {
        var id = UUID.randomUUID();
        var gaveUp = completions.watch(id);
        var first = completions.watch(id);
        var second = completions.watch(id);

        completions.unwatch(id, gaveUp);
        var outcome = new FinishedSaga("order", SagaStatus.COMPLETED, "\"done\"", null);
        completions.finished(id, outcome);

        assertThat(first).isCompletedWithValue(outcome);
        assertThat(second).isCompletedWithValue(outcome);
        assertThat(gaveUp).as("no longer watched").isNotDone();
    }

    @Test
    void tellsEachWatcherOnceAndOnlyOfTheRunThatEndedWhileItWatched() {
        var id = UUID.randomUUID();
        var before = completions.watch(id);

        completions.finished(id, null); // the run here ended unfinished
        var after = completions.watch(id);
        completions.finished(UUID.randomUUID(), null);

        assertThat(before).isCompletedWithValue(null);
        assertThat(after).as("a new watch waits for the next run").isNotDone();
    }
}
