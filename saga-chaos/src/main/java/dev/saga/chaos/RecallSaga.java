package dev.saga.chaos;

import dev.saga.Saga;

/**
 * Compensated, but only after an operator's retry: a transactional hold and a non-transactional
 * announcement, then a last step that fails for good. Undoing the announcement works; undoing the
 * hold fails for good the first {@code chaos.stuck-compensations} times it runs, so the saga ends
 * FAILED, waits for the orchestrator's retry (racing the short retention of failed sagas) and is
 * then COMPENSATED.
 */
@Saga("recall")
public class RecallSaga {

    private final RecallSteps steps;

    RecallSaga(RecallSteps steps) {
        this.steps = steps;
    }

    public String run(ChaosInput input) {
        steps.hold(input.key());
        steps.announce(input.key());
        steps.expire(input.key());
        return input.key();
    }
}
