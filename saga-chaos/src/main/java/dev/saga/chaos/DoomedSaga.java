package dev.saga.chaos;

import java.time.Duration;

import dev.saga.Saga;
import dev.saga.Sagas;

/**
 * Always compensated: three steps (transactional, non-transactional, transactional) and a timer,
 * then a last step that fails for good, so the three are undone newest first.
 */
@Saga("doomed")
public class DoomedSaga {

    private final DoomedSteps steps;

    DoomedSaga(DoomedSteps steps) {
        this.steps = steps;
    }

    public String run(ChaosInput input) {
        steps.book(input.key());
        steps.charge(input.key());
        Sagas.sleep(Duration.ofMillis(200));
        steps.allocate(input.key());
        steps.finish(input.key());
        return input.key();
    }
}
