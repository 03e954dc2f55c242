package dev.saga.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.saga.Step;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.StepDefinition;

/**
 * How the layers merge (defaults, then {@code @Step}, then per saga, then per step of a saga) and
 * which configured layers startup refuses, without a Spring context.
 */
class RetryLayersTests {

    private static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1),
            Duration.ofMillis(100), List.of(), List.of(), Duration.ZERO);
    private static final RetryLayer EVERYTHING = new RetryLayer(9, Duration.ofMillis(7), 1.5, Duration.ofSeconds(3),
            Duration.ofMillis(2), List.of(IllegalStateException.class), List.of(IllegalArgumentException.class),
            Duration.ofSeconds(4));

    static class Payments {
        @Step(compensation = Step.Compensation.NONE, maxRetries = 5, delay = "2s", timeout = "30s")
        void charge() {
        }

        @Step(compensation = Step.Compensation.NONE, delay = "soon")
        void malformed() {
        }
    }

    static class Shipping {
        @Step(value = "charge", compensation = Step.Compensation.NONE)
        void chargeShipping() {
        }
    }

    public static class OrderSaga {
        public void run() {
        }
    }

    @Test
    void anUnsetLayerKeepsThePolicyAndASetOneReplacesEveryValue() {
        assertThat(RetryLayer.NONE.over(DEFAULTS)).isEqualTo(DEFAULTS);
        assertThat(EVERYTHING.over(DEFAULTS)).isEqualTo(new RetryPolicy(9, Duration.ofMillis(7), 1.5,
                Duration.ofSeconds(3), Duration.ofMillis(2), List.of(IllegalStateException.class),
                List.of(IllegalArgumentException.class), Duration.ofSeconds(4)));
        assertThat(new RetryLayer(null, null, null, null, null, List.of(), null, null).over(EVERYTHING.over(DEFAULTS))
                .includes()).as("an empty list is set: it retries everything again").isEmpty();
    }

    @Test
    void readsTheStepsAttributesAsALayerThatSetsOnlyWhatTheyDeclare() throws Exception {
        assertThat(RetryLayer.declaredBy(step(Payments.class, "charge"))).isEqualTo(new RetryLayer(5,
                Duration.ofSeconds(2), null, null, null, null, null, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> RetryLayer.declaredBy(step(Payments.class, "malformed")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid retry attributes on @Step " + Payments.class.getName()
                        + ".malformed: ");
    }

    @Test
    void layersDefaultsThenTheStepThenTheSagaThenTheStepOfTheSaga() throws Exception {
        var charge = step(Payments.class, "charge");
        var policies = new RetryPolicies(DEFAULTS, layers(Map.of("order", new SagaRetryLayers.SagaLayers(
                new RetryLayer(null, Duration.ofMillis(500), 3.0, null, null, null, null, null),
                Map.of("charge", new RetryLayer(null, null, null, Duration.ofSeconds(10), null, null, null, null))))));

        var policy = policies.forStep("order", charge);

        assertThat(policy.maxRetries()).as("@Step over the default").isEqualTo(5);
        assertThat(policy.delay()).as("the saga over @Step").isEqualTo(Duration.ofMillis(500));
        assertThat(policy.multiplier()).as("the saga over the default").isEqualTo(3.0);
        assertThat(policy.maxDelay()).as("the step of the saga").isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.jitter()).as("the default").isEqualTo(Duration.ofMillis(100));
        assertThat(policy.timeout()).as("@Step").isEqualTo(Duration.ofSeconds(30));
        assertThat(policies.forStep("order", charge)).as("merged once").isSameAs(policy);
    }

    @Test
    void aStepLayerByFullNameBeatsOneByStepName() throws Exception {
        // saga.sagas.order.steps.[shipping.charge] binds to the key shipping.charge
        var policies = new RetryPolicies(DEFAULTS, layers(Map.of("order", new SagaRetryLayers.SagaLayers(null,
                Map.of("charge", new RetryLayer(1, null, null, null, null, null, null, null),
                        "shipping.charge", new RetryLayer(2, null, null, null, null, null, null, null))))));

        assertThat(policies.forStep("order", step(Payments.class, "charge")).maxRetries()).isEqualTo(1);
        assertThat(policies.forStep("order", step(Shipping.class, "chargeShipping")).maxRetries()).isEqualTo(2);
    }

    @Test
    void treatsUnsetSagaAndStepLayersAsSettingNothing() throws Exception {
        var steps = new HashMap<String, RetryLayer>();
        steps.put("charge", null);
        var layers = new SagaRetryLayers.SagaLayers(null, steps);

        assertThat(layers.retry()).isEqualTo(RetryLayer.NONE);
        assertThat(layers.steps()).containsEntry("charge", RetryLayer.NONE);
        assertThat(new SagaRetryLayers.SagaLayers(null, null).steps()).isEmpty();
        assertThat(new RetryPolicies(DEFAULTS, new SagaRetryLayers(null)).forStep("order", step(Shipping.class,
                "chargeShipping"))).isEqualTo(DEFAULTS);
    }

    @Test
    void reportsKeysThatNameNoSagaOrNoStepOrAnAmbiguousStep() throws Exception {
        var steps = List.of(step(Payments.class, "charge"), step(Shipping.class, "chargeShipping"));
        var policies = new RetryPolicies(DEFAULTS, layers(Map.of(
                "ordr", new SagaRetryLayers.SagaLayers(null, null),
                "order", new SagaRetryLayers.SagaLayers(null, Map.of("chrge", RetryLayer.NONE)))));
        var ambiguous = new RetryPolicies(DEFAULTS, layers(Map.of(
                "order", new SagaRetryLayers.SagaLayers(null, Map.of("charge", RetryLayer.NONE)))));

        assertThat(policies.problems(List.of(saga("order")), steps)).containsExactlyInAnyOrder(
                "Configuration key saga.sagas.ordr names no saga; known sagas: [order]",
                "Configuration key saga.sagas.order.steps.chrge names no step; known steps: [charge]");
        assertThat(ambiguous.problems(List.of(saga("order")), steps)).containsExactly(
                "Configuration key saga.sagas.order.steps.charge is ambiguous: it names payments.charge,"
                        + " shipping.charge; use the full name in brackets, e.g."
                        + " saga.sagas.order.steps.[payments.charge]");
    }

    @Test
    void reportsMalformedAttributesAndMergedPoliciesThatMakeNoSense() throws Exception {
        var steps = List.of(step(Payments.class, "charge"), step(Payments.class, "malformed"));
        var policies = new RetryPolicies(DEFAULTS, layers(Map.of("order", new SagaRetryLayers.SagaLayers(
                null, Map.of("charge", new RetryLayer(null, null, 0.5, null, null, null, null, null))))));

        var problems = policies.problems(List.of(saga("order")), steps);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).isEqualTo("Invalid retry policy for step " + Payments.class.getName()
                + ".charge: multiplier must be at least 1: 0.5");
        assertThat(problems.get(1)).startsWith("Invalid retry attributes on @Step " + Payments.class.getName()
                + ".malformed: ");
    }

    private static SagaRetryLayers layers(Map<String, SagaRetryLayers.SagaLayers> bySaga) {
        return new SagaRetryLayers(bySaga);
    }

    private static SagaDefinition saga(String name) throws Exception {
        return new SagaDefinition(name, 1, name + "Saga", OrderSaga.class, OrderSaga.class.getMethod("run"));
    }

    private static StepDefinition step(Class<?> type, String method) throws Exception {
        var m = type.getDeclaredMethod(method);
        var annotation = m.getAnnotation(Step.class);
        var stepName = annotation.value().isBlank() ? method : annotation.value();
        var beanName = Character.toLowerCase(type.getSimpleName().charAt(0)) + type.getSimpleName().substring(1);
        return new StepDefinition(beanName + "." + stepName, stepName, beanName, type, m, annotation, null, null, null);
    }
}
