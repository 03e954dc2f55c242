package dev.saga.bench.starter;

import java.time.Duration;

import dev.saga.Saga;
import dev.saga.Sagas;

/** Parks on a signal, then runs one step: the waiting case. */
@Saga("waiting")
public class WaitingSaga {

    public static final String SIGNAL = "go";

    private final NoOpSteps steps;

    public WaitingSaga(NoOpSteps steps) {
        this.steps = steps;
    }

    public int run(int input) throws InterruptedException {
        int payload = Sagas.awaitSignal(SIGNAL, Integer.class, Duration.ofDays(1)).orElse(-1);
        return steps.first(payload + input);
    }
}
