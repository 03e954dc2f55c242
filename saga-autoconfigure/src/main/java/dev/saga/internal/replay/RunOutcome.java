package dev.saga.internal.replay;

import java.time.Duration;

import dev.saga.internal.ledger.FinishedSaga;

/** How one run of a claimed saga ended, as {@link SagaRunner#run} reports it. */
public sealed interface RunOutcome {

    /** The run recorded a terminal status (committed), with the saga's output or error. */
    record Finished(FinishedSaga saga) implements RunOutcome {
    }

    /** The saga waits (a signal, a timer, a backoff): released, its work due again after the delay. */
    record Suspended(Duration resumeAfter) implements RunOutcome {
    }

    /** The saga goes on as new with an empty history: released, its work due at once. */
    record ContinuedAsNew() implements RunOutcome {
    }

    /** This node lost its claim; another node goes on with the saga. */
    record Abandoned() implements RunOutcome {
    }

    /** The engine's own work (or something unexpected) failed, not the saga: it is tried again shortly. */
    record RunFailed(Throwable cause) implements RunOutcome {
    }

    /** The saga was deleted or had finished already: there was nothing to run. */
    record NothingToRun() implements RunOutcome {
    }
}
