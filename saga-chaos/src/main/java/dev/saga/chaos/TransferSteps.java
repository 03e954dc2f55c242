package dev.saga.chaos;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Step;

/**
 * The steps of {@link TransferSaga}; nothing to undo, since it always completes. Every
 * {@code chaos.slow-step-every}-th saga has a slow payee: its notification takes
 * {@code chaos.slow-step-for}, longer than a lease, so the lease must be renewed while it runs.
 */
@Component("transferSteps")
public class TransferSteps {

    private final Effects effects;
    private final int slowEvery;
    private final Duration slowFor;

    public TransferSteps(Effects effects, @Value("${chaos.slow-step-every}") int slowEvery,
            @Value("${chaos.slow-step-for}") Duration slowFor) {
        this.effects = effects;
        this.slowEvery = slowEvery;
        this.slowFor = slowFor;
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String debit(String key) {
        effects.transactional("debit");
        return "debited " + key;
    }

    @Step(compensation = Step.Compensation.NONE)
    public String notifyPayee(String key) {
        if (slowEvery > 0 && Integer.parseInt(key.substring(2)) % slowEvery == 0) {
            effects.slow(slowFor);
            slowPayee();
        }
        effects.external("notifyPayee");
        return "notified " + key;
    }

    /** The call outlasts the lease; an interrupted one fails (and is retried) like any failed call. */
    private void slowPayee() {
        try {
            Thread.sleep(slowFor.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("notifyPayee (interrupted while slow)");
        }
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String credit(String key) {
        effects.transactional("credit");
        return "credited " + key;
    }
}
