package dev.saga.chaos;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Step;

/** The steps of {@link ApprovalSaga}; a reservation is released if the approval never comes. */
@Component("approvalSteps")
public class ApprovalSteps {

    private final Effects effects;

    public ApprovalSteps(Effects effects) {
        this.effects = effects;
    }

    @Step
    @Transactional
    public String reserve(String key) {
        effects.transactional("reserve");
        return "reserved " + key;
    }

    @Compensate("reserve")
    @Transactional
    public void release(String key, String reservation) {
        effects.compensated("reserve", true);
    }

    @Step(compensation = Step.Compensation.NONE)
    public String confirm(String key, String approval) {
        effects.external("confirm");
        return "confirmed " + key;
    }

    @Step(compensation = Step.Compensation.NONE)
    @Transactional
    public String ship(String key) {
        effects.transactional("ship");
        return "shipped " + key;
    }
}
