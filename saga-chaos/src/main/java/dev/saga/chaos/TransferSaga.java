package dev.saga.chaos;

import java.time.Duration;

import dev.saga.Saga;
import dev.saga.Sagas;

/** Completes: a transactional debit, a durable timer, a non-transactional notification, a transactional credit. */
@Saga("transfer")
public class TransferSaga {

    private final TransferSteps steps;

    TransferSaga(TransferSteps steps) {
        this.steps = steps;
    }

    public String run(ChaosInput input) {
        steps.debit(input.key());
        Sagas.sleep(Duration.ofMillis(300));
        steps.notifyPayee(input.key());
        steps.credit(input.key());
        return input.key();
    }
}
