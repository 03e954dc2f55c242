package dev.saga.internal.definition;

import static dev.saga.Step.Compensation.NONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.saga.Compensate;
import dev.saga.Saga;
import dev.saga.Step;

/**
 * Every misuse the collector refuses, with its message word for word (startup prints them to the
 * user), and all of them at once: nothing stops at the first problem.
 */
class DefinitionRefusalTests {

    private static final String HERE = DefinitionRefusalTests.class.getName() + "$";

    public static class CompensationOnly {
        @Compensate("ghost")
        public void undo(String order) {
        }
    }

    @Saga("self")
    public static class SagaWithOwnStep {
        public void run() {
        }

        @Step(compensation = NONE)
        void own() {
        }
    }

    @Saga("none")
    public static class NoEntry {
    }

    @Saga("two")
    public static class TwoEntries {
        public void run() {
        }

        public void alsoRun() {
        }
    }

    @Saga("pair")
    public static class TwoInputs {
        public void run(String order, int quantity) {
        }
    }

    @Saga(value = "zero", version = 0)
    public static class VersionZero {
        public void run() {
        }
    }

    @Saga("twice")
    public static class FirstTwice {
        public void run() {
        }
    }

    @Saga("twice")
    public static class SecondTwice {
        public void run() {
        }
    }

    public static final class FinalClass {
        @Step(compensation = NONE)
        public void label() {
        }
    }

    public static class UninterceptableSteps {
        @Step(compensation = NONE)
        static void fixed() {
        }

        @Step(compensation = NONE)
        private void hidden() {
        }

        @Step(compensation = NONE)
        public final void sealed() {
        }
    }

    public static class SameNameTwice {
        @Step(value = "same", compensation = NONE)
        public void first() {
        }

        @Step(value = "same", compensation = NONE)
        public void second() {
        }
    }

    public static class CompensationOfNoSuchStep {
        @Step(compensation = NONE)
        public void send(String order) {
        }

        @Compensate("sendd")
        public void unsend(String order) {
        }
    }

    public static class TwoCompensations {
        @Step
        public void reserve(String order) {
        }

        @Compensate("reserve")
        public void release(String order) {
        }

        @Compensate("reserve")
        public void releaseAgain(String order) {
        }
    }

    public static class StaticAndPrivateCompensations {
        @Step
        public void reserve(String order) {
        }

        @Compensate("reserve")
        static void release(String order) {
        }

        @Step
        public void book(String order) {
        }

        @Compensate("book")
        private void unbook(String order) {
        }
    }

    public static class WrongCompensationParameters {
        @Step
        public String reserve(String order, int quantity) {
            return order;
        }

        @Compensate("reserve")
        public void release(String order, String quantity) {
        }

        @Step
        public void send(String order) {
        }

        @Compensate("send")
        public void unsend(String order, String result) {
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

    public static class MissingCompensation {
        @Step
        public String charge(String order) {
            return order;
        }
    }

    public static class NoneWithCompensation {
        @Step(compensation = NONE)
        public void mail(String order) {
        }

        @Compensate("mail")
        public void unmail(String order) {
        }
    }

    @Test
    void refusesACompensationOnAClassWithoutSteps() {
        assertThat(problems(CompensationOnly.class)).containsExactly("@Compensate method " + HERE
                + "CompensationOnly.undo(String) names step 'ghost' but " + HERE + "CompensationOnly declares no @Step"
                + " method");
    }

    @Test
    void refusesAStepOnASagaBeanButKeepsTheSaga() {
        var collector = new DefinitionCollector();
        assertThat(collector.inspect("sagaWithOwnStep", SagaWithOwnStep.class)).isFalse();

        assertThat(collector.problems()).containsExactly("@Step method " + HERE + "SagaWithOwnStep.own() is declared"
                + " on @Saga bean 'sagaWithOwnStep': the saga would call it on itself, bypassing the proxy, and it"
                + " would not be durable. Move the step to another bean and inject that bean into the saga");
        assertThat(collector.sagas()).extracting(SagaDefinition::name).containsExactly("self");
        assertThat(collector.steps()).isEmpty();
    }

    @Test
    void refusesASagaWithoutExactlyOneEntryMethod() {
        assertThat(problems(NoEntry.class, TwoEntries.class)).containsExactly(
                "@Saga class " + HERE + "NoEntry has 0 entry methods: a saga bean has exactly one public method, the"
                        + " saga itself; make helpers private",
                "@Saga class " + HERE + "TwoEntries has 2 entry methods (alsoRun, run): a saga bean has exactly one"
                        + " public method, the saga itself; make helpers private");
    }

    @Test
    void refusesASagaThatTakesMoreThanOneInput() {
        assertThat(problems(TwoInputs.class)).containsExactly("Saga entry method " + HERE
                + "TwoInputs.run(String, int) takes 2 parameters: a saga takes at most one input; wrap them in a"
                + " record");
    }

    @Test
    void refusesAVersionBelowOne() {
        assertThat(problems(VersionZero.class)).containsExactly("@Saga class " + HERE + "VersionZero declares"
                + " version 0: versions start at 1");
    }

    @Test
    void refusesTheSameSagaNameAndVersionTwice() {
        assertThat(problems(FirstTwice.class, SecondTwice.class)).containsExactly("Saga 'twice' version 1 is declared"
                + " 2 times: " + HERE + "FirstTwice, " + HERE + "SecondTwice; a saga name is unique, unless each"
                + " declaration has its own @Saga(version = ...)");
    }

    @Test
    void refusesStepsNoProxyCanIntercept() {
        var collector = new DefinitionCollector();
        assertThat(collector.inspect("finalClass", FinalClass.class)).isFalse();
        assertThat(collector.inspect("uninterceptable", UninterceptableSteps.class)).isFalse();

        var reason = ", so no proxy can intercept it; make it a non-final instance method that is not private";
        assertThat(collector.problems()).containsExactlyInAnyOrder(
                "Class " + HERE + "FinalClass declares @Step methods but is final, so no proxy can intercept them;"
                        + " remove 'final'",
                "@Step method " + HERE + "UninterceptableSteps.fixed() is static" + reason,
                "@Step method " + HERE + "UninterceptableSteps.hidden() is private" + reason,
                "@Step method " + HERE + "UninterceptableSteps.sealed() is final" + reason);
    }

    @Test
    void refusesOneStepNameTwiceOnAClass() {
        assertThat(problems(SameNameTwice.class)).singleElement().isIn(
                "@Step name 'same' is used twice on " + HERE + "SameNameTwice (first and second); give one of them"
                        + " @Step(\"another-name\")",
                "@Step name 'same' is used twice on " + HERE + "SameNameTwice (second and first); give one of them"
                        + " @Step(\"another-name\")");
    }

    @Test
    void refusesACompensationThatNamesNoStepOfItsClass() {
        assertThat(problems(CompensationOfNoSuchStep.class)).containsExactly("@Compensate method " + HERE
                + "CompensationOfNoSuchStep.unsend(String) names step 'sendd' but " + HERE
                + "CompensationOfNoSuchStep has no such @Step (its steps: send)");
    }

    @Test
    void refusesTwoCompensationsOfOneStep() {
        assertThat(problems(TwoCompensations.class)).singleElement().isIn(
                "Step 'reserve' of " + HERE + "TwoCompensations has two @Compensate methods (release and"
                        + " releaseAgain); keep one",
                "Step 'reserve' of " + HERE + "TwoCompensations has two @Compensate methods (releaseAgain and"
                        + " release); keep one");
    }

    @Test
    void refusesStaticAndPrivateCompensations() {
        assertThat(problems(StaticAndPrivateCompensations.class)).containsExactlyInAnyOrder(
                "@Compensate method " + HERE + "StaticAndPrivateCompensations.release(String) is static; make it a"
                        + " non-private instance method",
                "@Compensate method " + HERE + "StaticAndPrivateCompensations.unbook(String) is private; make it a"
                        + " non-private instance method");
    }

    @Test
    void refusesACompensationThatCannotTakeTheStepsArgumentsAndResult() {
        var type = HERE + "WrongCompensationParameters";
        assertThat(problems(WrongCompensationParameters.class)).containsExactlyInAnyOrder(
                "@Compensate method " + type + ".release(String, String) takes (String, String) but must take the"
                        + " parameters of step " + type + ".reserve(String, int) (String, int), optionally followed"
                        + " by its result (String)",
                "@Compensate method " + type + ".unsend(String, String) takes (String, String) but must take the"
                        + " parameters of step " + type + ".send(String) (String)");
    }

    @Test
    void refusesAPivotWithACompensationAndKeepsTheStepWithoutIt() {
        var collector = new DefinitionCollector();
        collector.inspect("pivot", PivotWithCompensation.class);

        assertThat(collector.problems()).containsExactly("@Step method " + HERE + "PivotWithCompensation.ship(String)"
                + " is a pivot (the point of no return) but " + HERE + "PivotWithCompensation.unship(String)"
                + " compensates it; a pivot cannot be undone, remove one of the two");
        assertThat(collector.steps()).singleElement().satisfies(step -> assertThat(step.compensation()).isNull());
    }

    @Test
    void refusesAStepWithoutTheCompensationItRequires() {
        assertThat(problems(MissingCompensation.class)).containsExactly("@Step method " + HERE
                + "MissingCompensation.charge(String) has no compensation: add a method annotated"
                + " @Compensate(\"charge\") to MissingCompensation, or declare @Step(compensation = Step.Compensation.NONE)"
                + " if it has nothing to undo (a retriable step), or @Step(pivot = true) if it is the point of no"
                + " return");
    }

    @Test
    void refusesACompensationOfAStepThatDeclaresNone() {
        var collector = new DefinitionCollector();
        collector.inspect("none", NoneWithCompensation.class);

        assertThat(collector.problems()).containsExactly("@Step method " + HERE + "NoneWithCompensation.mail(String)"
                + " declares compensation = NONE but " + HERE + "NoneWithCompensation.unmail(String) compensates it;"
                + " remove one of the two");
        assertThat(collector.steps()).singleElement().satisfies(step -> assertThat(step.compensable()).isFalse());
    }

    @Test
    void reportsEveryProblemOfEveryBeanAtOnce() {
        var all = problems(CompensationOnly.class, SagaWithOwnStep.class, NoEntry.class, TwoInputs.class,
                VersionZero.class, FirstTwice.class, SecondTwice.class, FinalClass.class, UninterceptableSteps.class,
                CompensationOfNoSuchStep.class, StaticAndPrivateCompensations.class, WrongCompensationParameters.class,
                PivotWithCompensation.class, MissingCompensation.class, NoneWithCompensation.class);

        assertThat(all).hasSize(18);
        assertThat(all.get(all.size() - 1)).as("duplicate names come last, once all beans are seen")
                .startsWith("Saga 'twice' version 1 is declared 2 times");
    }

    private static List<String> problems(Class<?>... classes) {
        var collector = new DefinitionCollector();
        Arrays.stream(classes).forEach(type -> collector.inspect(beanName(type), type));
        return collector.problems();
    }

    private static String beanName(Class<?> type) {
        var simple = type.getSimpleName();
        return Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
    }
}
