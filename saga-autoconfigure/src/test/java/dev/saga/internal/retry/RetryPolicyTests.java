package dev.saga.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.saga.Step;
import dev.saga.internal.definition.StepDefinition;

class RetryPolicyTests {

    private static final RetryPolicy DEFAULTS = RetryPolicy.of(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5),
            Duration.ZERO);

    @Test
    void growsTheDelayByTheMultiplierUpToTheMaximum() {
        assertThat(List.of(1, 2, 3, 4, 5)).map(DEFAULTS::delayAfter).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void allowsMaxRetriesAfterTheFirstAttempt() {
        assertThat(DEFAULTS.allowsRetryAfter(3)).isTrue();
        assertThat(DEFAULTS.allowsRetryAfter(4)).isFalse();
    }

    @Test
    void keepsJitteredDelaysWithinTheJitterAndNeverNegative() {
        var jittered = RetryPolicy.of(3, Duration.ofMillis(100), 1.0, Duration.ofSeconds(1), Duration.ofMillis(150));
        var seen = new ArrayList<Duration>();
        for (int i = 0; i < 500; i++) {
            seen.add(jittered.delayAfter(1));
        }
        assertThat(seen).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(250)));
        assertThat(seen.stream().distinct().count()).as("jitter varies the delay").isGreaterThan(10);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> RetryPolicy.of(-1, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("max-retries");
        assertThatThrownBy(() -> RetryPolicy.of(1, Duration.ZERO, 0.5, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("multiplier");
    }

    @Test
    void retriesOnlyIncludedFailuresAndNeverExcludedOnesAlsoWhenFoundAsCauses() {
        var policy = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO,
                List.of(java.io.IOException.class), List.of(java.io.FileNotFoundException.class), Duration.ZERO);

        assertThat(policy.retries(new java.io.IOException("timeout"))).isTrue();
        assertThat(policy.retries(new IllegalStateException("wrapped", new java.io.IOException("timeout")))).isTrue();
        assertThat(policy.retries(new IllegalStateException("other"))).isFalse();
        assertThat(policy.retries(new java.io.FileNotFoundException("gone"))).as("excludes win").isFalse();
    }

    static class Annotated {
        @Step(maxRetries = 7, delay = "250ms", compensation = Step.Compensation.NONE)
        void overriding() {
        }

        @Step(compensation = Step.Compensation.NONE)
        void inheriting() {
        }
    }

    @Test
    void stepAttributesOverrideTheConfiguredDefaultsAndInheritTheRest() throws Exception {
        var policies = new RetryPolicies(DEFAULTS, SagaRetryLayers.NONE);

        var overriding = policies.forStep("any", step("overriding"));
        var inheriting = policies.forStep("any", step("inheriting"));

        assertThat(overriding).isEqualTo(RetryPolicy.of(7, Duration.ofMillis(250), 2.0, Duration.ofSeconds(5),
                Duration.ZERO));
        assertThat(inheriting).isEqualTo(DEFAULTS);
    }

    @Test
    void configurationPerSagaBeatsTheStepsAttributesAndPerStepBeatsPerSaga() throws Exception {
        var sagaLayer = new RetryLayer(5, null, 1.0, null, null, null, null, null);
        var stepLayer = new RetryLayer(null, Duration.ofMillis(10), null, null, null, null, null,
                Duration.ofSeconds(2));
        var policies = new RetryPolicies(DEFAULTS, new SagaRetryLayers(java.util.Map.of("order",
                new SagaRetryLayers.SagaLayers(sagaLayer, java.util.Map.of("overriding", stepLayer)))));

        var inOrder = policies.forStep("order", step("overriding"));
        var elsewhere = policies.forStep("other", step("overriding"));

        assertThat(inOrder).isEqualTo(new RetryPolicy(5, Duration.ofMillis(10), 1.0, Duration.ofSeconds(5),
                Duration.ZERO, List.of(), List.of(), Duration.ofSeconds(2)));
        assertThat(elsewhere.maxRetries()).isEqualTo(7);
        assertThat(policies.forStep("order", step("inheriting")).maxRetries()).as("saga layer only").isEqualTo(5);
    }

    private static StepDefinition step(String method) throws Exception {
        var m = Annotated.class.getDeclaredMethod(method);
        return new StepDefinition("annotated." + method, method, "annotated", Annotated.class, m,
                m.getAnnotation(Step.class), null, null, null);
    }
}
