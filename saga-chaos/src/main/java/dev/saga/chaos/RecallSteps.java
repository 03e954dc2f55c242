package dev.saga.chaos;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Step;

/**
 * The steps of {@link RecallSaga}. The hold's undo can get stuck ({@link StuckCompensation} is
 * not retried: it fails the compensation for good and the saga ends FAILED, for an operator).
 */
@Component("recallSteps")
public class RecallSteps {

    private final Effects effects;
    private final StuckCompensations stuck;

    public RecallSteps(Effects effects, StuckCompensations stuck) {
        this.effects = effects;
        this.stuck = stuck;
    }

    // its policy is also its compensation's: a stuck release is not retried
    @Step(excludes = StuckCompensation.class)
    @Transactional
    public String hold(String key) {
        effects.transactional("hold");
        return "held " + key;
    }

    @Compensate("hold")
    @Transactional
    public void release(String key, String hold) {
        stuck.failIfStuck(key);
        effects.compensated("hold", true);
    }

    @Step
    public String announce(String key) {
        effects.external("announce");
        return "announced " + key;
    }

    @Compensate("announce")
    public void retract(String key, String announcement) {
        effects.compensated("announce", false);
    }

    @Step(compensation = Step.Compensation.NONE, excludes = Doomed.class, noEffectOn = Doomed.class)
    public String expire(String key) {
        throw new Doomed(key);
    }
}
