package dev.saga.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.saga.Compensate;
import dev.saga.Saga;
import dev.saga.Step;

/** What the collector keeps of well-formed sagas and steps, without a Spring context. */
class DefinitionCollectorTests {

    private final DefinitionCollector collector = new DefinitionCollector();

    @Saga("order")
    public static class OrderSaga {
        public String run(String input) {
            return helper(input);
        }

        String helper(String input) {
            return input;
        }

        static void utility() {
        }
    }

    @Saga
    public static class Unnamed {
        void run() {
        }
    }

    @Saga(value = "order", version = 2)
    public static class OrderSagaVersion2 {
        public void run() {
        }
    }

    public static class Payments {
        @Step
        @Transactional(readOnly = true)
        public String charge(String order, int cents) {
            return "receipt";
        }

        @Compensate("charge")
        @Transactional
        public void refund(String order, int cents, String receipt) {
        }

        @Step(value = "notify", compensation = Step.Compensation.NONE)
        @Transactional(propagation = Propagation.REQUIRES_NEW)
        public void sendMail(String order) {
        }

        @Step(pivot = true)
        public void ship(String order) {
        }
    }

    public static class Base {
        @Step(compensation = Step.Compensation.NONE)
        public void call() {
        }
    }

    public static class Overriding extends Base {
        @Override
        @Step(value = "overridden", compensation = Step.Compensation.NONE)
        public void call() {
        }
    }

    @Test
    void keepsASagaWithItsOnlyPublicMethodAsTheEntryAndItsInputType() {
        assertThat(collector.inspect("orderSaga", OrderSaga.class)).as("a saga bean needs no proxy").isFalse();

        assertThat(collector.problems()).isEmpty();
        assertThat(collector.sagas()).singleElement().satisfies(saga -> {
            assertThat(saga.name()).isEqualTo("order");
            assertThat(saga.version()).isEqualTo(1);
            assertThat(saga.beanName()).isEqualTo("orderSaga");
            assertThat(saga.entryMethod().getName()).isEqualTo("run");
            assertThat(saga.inputType()).isEqualTo(String.class);
            assertThat(saga.location()).isEqualTo(OrderSaga.class.getName() + ".run");
        });
    }

    @Test
    void namesASagaAfterItsBeanAndTakesANonPrivateEntryWhenNoMethodIsPublic() {
        collector.inspect("unnamedSaga", Unnamed.class);

        assertThat(collector.sagas()).singleElement().satisfies(saga -> {
            assertThat(saga.name()).isEqualTo("unnamedSaga");
            assertThat(saga.takesInput()).isFalse();
            assertThat(saga.inputType()).isNull();
        });
    }

    @Test
    void acceptsTwoVersionsOfOneSagaName() {
        collector.inspect("orderSaga", OrderSaga.class);
        collector.inspect("orderSagaV2", OrderSagaVersion2.class);

        assertThat(collector.problems()).isEmpty();
        assertThat(collector.sagas()).extracting(SagaDefinition::name, SagaDefinition::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("order", 1),
                        org.assertj.core.groups.Tuple.tuple("order", 2));
    }

    @Test
    void keepsStepsWithTheirCompensationsAndTheTransactionsTheyJoin() {
        assertThat(collector.inspect("payments", Payments.class)).as("steps need a proxy").isTrue();

        assertThat(collector.problems()).isEmpty();
        assertThat(collector.steps()).extracting(StepDefinition::name)
                .containsExactlyInAnyOrder("payments.charge", "payments.notify", "payments.ship");
        var charge = step("charge");
        assertThat(charge.stepName()).isEqualTo("charge");
        assertThat(charge.beanName()).isEqualTo("payments");
        assertThat(charge.compensation().getName()).isEqualTo("refund");
        assertThat(charge.compensable()).isTrue();
        assertThat(charge.compensationTakesResult()).isTrue();
        assertThat(charge.transactional()).isTrue();
        assertThat(charge.transaction().getPropagationBehavior()).isEqualTo(TransactionDefinition.PROPAGATION_REQUIRED);
        assertThat(charge.transaction().isReadOnly()).as("the ledger record is written in it too").isFalse();
        assertThat(charge.compensationTransaction()).isNotNull();
        assertThat(charge.location()).isEqualTo(Payments.class.getName() + ".charge");

        var notify = step("notify");
        assertThat(notify.method().getName()).isEqualTo("sendMail");
        assertThat(notify.compensable()).isFalse();
        assertThat(notify.transactional()).as("REQUIRES_NEW commits apart from the ledger").isFalse();
        assertThat(notify.compensationTransaction()).isNull();

        var ship = step("ship");
        assertThat(ship.pivot()).isTrue();
        assertThat(ship.compensation()).isNull();
        assertThat(ship.transaction()).isNull();
    }

    @Test
    void seesAnOverriddenStepOnceAsTheSubclassDeclaresIt() {
        collector.inspect("overriding", Overriding.class);

        assertThat(collector.problems()).isEmpty();
        assertThat(collector.steps()).singleElement().satisfies(step -> {
            assertThat(step.name()).isEqualTo("overriding.overridden");
            assertThat(step.method().getDeclaringClass()).isEqualTo(Overriding.class);
        });
    }

    @Test
    void tellsWhichClassesDeclareSagasStepsOrCompensations() {
        assertThat(DefinitionCollector.declaresSagaOrSteps(OrderSaga.class)).isTrue();
        assertThat(DefinitionCollector.declaresSagaOrSteps(Payments.class)).isTrue();
        assertThat(DefinitionCollector.declaresSagaOrSteps(Overriding.class)).isTrue();
        assertThat(DefinitionCollector.declaresSagaOrSteps(DefinitionRefusalTests.CompensationOnly.class)).isTrue();
        assertThat(DefinitionCollector.declaresSagaOrSteps(DefinitionCollectorTests.class)).isFalse();
        assertThat(DefinitionCollector.declaresSagaOrSteps(String.class)).isFalse();
        assertThat(DefinitionCollector.declaresSagaOrSteps(org.springframework.util.StringUtils.class)).isFalse();
    }

    @Test
    void returnsCopiesThatLaterInspectionsDoNotChange() {
        var before = collector.steps();
        collector.inspect("payments", Payments.class);

        assertThat(before).isEmpty();
        assertThat(collector.steps()).hasSize(3);
        assertThat(collector.sagas()).isEqualTo(List.of());
    }

    private StepDefinition step(String stepName) {
        return collector.steps().stream().filter(s -> s.stepName().equals(stepName)).findFirst().orElseThrow();
    }
}
