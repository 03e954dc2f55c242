package dev.saga.chaos;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;

import dev.saga.Saga;
import dev.saga.Sagas;

/**
 * Completes once the orchestrator's {@code approve} signal arrives (sent while the saga runs,
 * waits, or before it got there): a transactional reservation, the wait, a non-transactional
 * confirmation and a transactional shipment.
 */
@Saga("approval")
public class ApprovalSaga {

    private final ApprovalSteps steps;
    private final Duration signalTimeout;

    ApprovalSaga(ApprovalSteps steps, @Value("${chaos.signal-timeout}") Duration signalTimeout) {
        this.steps = steps;
        this.signalTimeout = signalTimeout;
    }

    public String run(ChaosInput input) {
        steps.reserve(input.key());
        var approval = Sagas.awaitSignal("approve", String.class, signalTimeout)
                .orElseThrow(() -> new IllegalStateException("no approval for " + input.key()));
        steps.confirm(input.key(), approval);
        steps.ship(input.key());
        return approval;
    }
}
