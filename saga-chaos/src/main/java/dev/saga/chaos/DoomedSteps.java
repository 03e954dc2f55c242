package dev.saga.chaos;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Step;

/** The steps of {@link DoomedSaga} and their compensations, each recording what it undid. */
@Component("doomedSteps")
public class DoomedSteps {

    private final Effects effects;

    public DoomedSteps(Effects effects) {
        this.effects = effects;
    }

    @Step
    @Transactional
    public String book(String key) {
        effects.transactional("book");
        return "booked " + key;
    }

    @Compensate("book")
    @Transactional
    public void unbook(String key, String booking) {
        effects.compensated("book", true);
    }

    @Step
    public String charge(String key) {
        effects.external("charge");
        return "charged " + key;
    }

    @Compensate("charge")
    public void refund(String key, String charge) {
        effects.compensated("charge", false);
    }

    @Step
    @Transactional
    public String allocate(String key) {
        effects.transactional("allocate");
        return "allocated " + key;
    }

    @Compensate("allocate")
    @Transactional
    public void deallocate(String key, String allocation) {
        effects.compensated("allocate", true);
    }

    @Step(compensation = Step.Compensation.NONE, excludes = Doomed.class, noEffectOn = Doomed.class)
    public String finish(String key) {
        throw new Doomed(key);
    }
}
