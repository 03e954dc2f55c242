package dev.saga.chaos;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Step;

/** The steps of {@link TransferSaga}; nothing to undo, since it always completes. */
@Component("transferSteps")
public class TransferSteps {

    private final Effects effects;

    public TransferSteps(Effects effects) {
        this.effects = effects;
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String debit(String key) {
        effects.transactional("debit");
        return "debited " + key;
    }

    @Step(compensation = Step.Compensation.NONE)
    public String notifyPayee(String key) {
        effects.external("notifyPayee");
        return "notified " + key;
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String credit(String key) {
        effects.transactional("credit");
        return "credited " + key;
    }
}
