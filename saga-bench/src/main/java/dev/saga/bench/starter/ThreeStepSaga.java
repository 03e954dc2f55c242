package dev.saga.bench.starter;

import dev.saga.Saga;

/** The benchmark's workflow: three no-op steps. */
@Saga("three-steps")
public class ThreeStepSaga {

    private final NoOpSteps steps;
    private final SagaCompletions completions;

    public ThreeStepSaga(NoOpSteps steps, SagaCompletions completions) {
        this.steps = steps;
        this.completions = completions;
    }

    public int run(int input) throws InterruptedException {
        int result = steps.third(steps.second(steps.first(input)));
        completions.entryReturned();
        return result;
    }
}
