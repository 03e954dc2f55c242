package dev.saga.bench.starter;

import org.springframework.beans.factory.annotation.Value;

import dev.saga.Step;
import dev.saga.Step.Compensation;

/** Three steps that do nothing but, in the recovery case, take a little time. */
public class NoOpSteps {

    private final long stepMillis;

    public NoOpSteps(@Value("${bench.step-millis:0}") long stepMillis) {
        this.stepMillis = stepMillis;
    }

    @Step(compensation = Compensation.NONE)
    public int first(int input) throws InterruptedException {
        return work(input);
    }

    @Step(compensation = Compensation.NONE)
    public int second(int input) throws InterruptedException {
        return work(input);
    }

    @Step(compensation = Compensation.NONE)
    public int third(int input) throws InterruptedException {
        return work(input);
    }

    private int work(int input) throws InterruptedException {
        if (stepMillis > 0) {
            Thread.sleep(stepMillis);
        }
        return input;
    }
}
