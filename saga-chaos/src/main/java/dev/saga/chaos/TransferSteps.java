package dev.saga.chaos;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Step;

/**
 * The steps of {@link TransferSaga}; nothing to undo, since it always completes. The payee may be
 * slow when a fault asks for it ({@link SlowPayee}).
 */
@Component("transferSteps")
public class TransferSteps {

    private final Effects effects;
    private final SlowPayee slowPayee;

    public TransferSteps(Effects effects, SlowPayee slowPayee) {
        this.effects = effects;
        this.slowPayee = slowPayee;
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String debit(String key) {
        effects.transactional("debit");
        return "debited " + key;
    }

    @Step(compensation = Step.Compensation.NONE)
    public String notifyPayee(String key) {
        slowPayee.maybeSlow();
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
