package dev.saga.misuse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.saga.Compensate;
import dev.saga.Saga;
import dev.saga.Step;

/** Every misuse startup validation must report, declared together so that all are seen at once. */
public final class Misuses {

    private Misuses() {
    }

    public static class MissingCompensation {
        @Step
        public String charge(String order) {
            return order;
        }
    }

    public static class CompensationForNoStep {
        @Step(compensation = Step.Compensation.NONE)
        public void send(String order) {
        }

        @Compensate("sendd")
        public void unsend(String order) {
        }
    }

    public static class CompensationWithWrongParameters {
        @Step
        public String reserve(String order, int quantity) {
            return order;
        }

        @Compensate("reserve")
        public void release(String order, String quantity) {
        }
    }

    public static class FinalStepMethod {
        @Step(compensation = Step.Compensation.NONE)
        public final void label(String order) {
        }
    }

    public static final class FinalStepClass {
        @Step(compensation = Step.Compensation.NONE)
        public void label(String order) {
        }
    }

    @Saga("twice")
    public static class FirstSagaNamedTwice {
        public void run() {
        }
    }

    @Saga("twice")
    public static class SecondSagaNamedTwice {
        public void run() {
        }
    }

    @Saga("two-entries")
    public static class SagaWithTwoEntryMethods {
        public void run() {
        }

        public void alsoRun() {
        }
    }

    @Saga("self-invoking")
    public static class SagaWithOwnStep {
        public void run() {
            ownStep();
        }

        @Step(compensation = Step.Compensation.NONE)
        void ownStep() {
        }
    }

    public static class PivotWithCompensation {
        @Step(pivot = true)
        public void ship(String order) {
        }

        @Compensate("ship")
        public void unship(String order) {
        }
    }

    /** A pivot needs no compensation: not a problem. */
    public static class PivotWithoutCompensation {
        @Step(pivot = true)
        public void ship(String order) {
        }
    }

    public static class BadRetryAttribute {
        @Step(compensation = Step.Compensation.NONE, delay = "soon")
        public void call() {
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import({MissingCompensation.class, CompensationForNoStep.class, CompensationWithWrongParameters.class,
            FinalStepMethod.class, FirstSagaNamedTwice.class, SecondSagaNamedTwice.class,
            SagaWithTwoEntryMethods.class, SagaWithOwnStep.class, BadRetryAttribute.class,
            PivotWithCompensation.class, PivotWithoutCompensation.class})
    public static class AllMisuses {
        @Bean
        FinalStepClass finalStepClass() {
            return new FinalStepClass();
        }
    }

    /** One well-formed step, to show a valid bean passes. */
    public static class Valid {
        @Step
        public String reserve(String order, int quantity) {
            return order;
        }

        @Compensate("reserve")
        public void release(String order, int quantity, String reservation) {
        }
    }
}
