package dev.saga.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.saga.Step;
import dev.saga.internal.definition.StepDefinition;

/** Retry arithmetic and failure matching of one policy, without a Spring context. */
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

    @Test
    void keepsAFixedDelayWithMultiplierOneAndCapsAnyGrowthAtTheMaximumDelay() {
        var fixed = RetryPolicy.of(10, Duration.ofMillis(300), 1.0, Duration.ofSeconds(1), Duration.ZERO);
        var steep = RetryPolicy.of(10_000, Duration.ofSeconds(1), 10.0, Duration.ofMinutes(1), Duration.ZERO);

        assertThat(List.of(1, 2, 9)).map(fixed::delayAfter).containsOnly(Duration.ofMillis(300));
        assertThat(steep.delayAfter(3)).isEqualTo(Duration.ofMinutes(1));
        assertThat(steep.delayAfter(5_000)).as("no overflow far out").isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryPolicy.of(1, Duration.ZERO, 2.0, Duration.ofSeconds(1), Duration.ZERO).delayAfter(4))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void jittersAroundTheCappedDelayWithinTheJitterEitherWay() {
        var policy = RetryPolicy.of(3, Duration.ofSeconds(2), 2.0, Duration.ofSeconds(1), Duration.ofMillis(100));
        var seen = new ArrayList<Duration>();
        for (int i = 0; i < 500; i++) {
            seen.add(policy.delayAfter(2));
        }
        assertThat(seen).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(900), Duration.ofMillis(1100)));
        assertThat(seen).anySatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)))
                .anySatisfy(d -> assertThat(d).isGreaterThan(Duration.ofSeconds(1)));
    }

    @Test
    void failsAtTheFirstFailureWithNoRetries() {
        var once = RetryPolicy.of(0, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO);

        assertThat(once.allowsRetryAfter(0)).isTrue();
        assertThat(once.allowsRetryAfter(1)).isFalse();
    }

    @Test
    void refusesNegativeDurationsAndKeepsItsListsImmutable() {
        assertThatThrownBy(() -> RetryPolicy.of(1, Duration.ofMillis(-1), 1, Duration.ZERO, Duration.ZERO))
                .hasMessage("retry durations must not be negative");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO, List.of(),
                List.of(), Duration.ofSeconds(-1))).hasMessage("retry durations must not be negative");
        assertThatThrownBy(() -> RetryPolicy.of(-1, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO))
                .hasMessage("max-retries must not be negative: -1");
        assertThatThrownBy(() -> RetryPolicy.of(1, Duration.ZERO, 0.5, Duration.ZERO, Duration.ZERO))
                .hasMessage("multiplier must be at least 1: 0.5");

        var excludes = new ArrayList<Class<? extends Throwable>>(List.of(IllegalStateException.class));
        var policy = new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO, List.of(), excludes,
                Duration.ZERO);
        excludes.clear();
        assertThat(policy.excludes()).containsExactly(IllegalStateException.class);
        assertThat(policy.hasTimeout()).isFalse();
    }

    @Test
    void retriesEveryFailureWithoutIncludesAndMatchesSubclassesAndDeepCauses() {
        var policy = new RetryPolicy(3, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO, List.of(),
                List.of(IllegalArgumentException.class), Duration.ZERO);
        var deep = new RuntimeException("outer", new IllegalStateException("middle",
                new NumberFormatException("inner")));

        assertThat(policy.retries(new Error("anything"))).isTrue();
        assertThat(policy.retries(new NumberFormatException("a subclass"))).isFalse();
        assertThat(policy.retries(deep)).as("excluded three causes down").isFalse();
        assertThat(RetryPolicy.matches(List.of(), deep)).isFalse();
    }

    /** A failure that names itself as its cause, as some libraries' exceptions do. */
    static class OwnCause extends RuntimeException {
        @Override
        public synchronized Throwable getCause() {
            return this;
        }
    }

    @Test
    void stopsAtAFailureThatIsItsOwnCause() {
        assertThat(RetryPolicy.matches(List.of(java.io.IOException.class), new OwnCause())).isFalse();
        assertThat(RetryPolicy.matches(List.of(OwnCause.class), new IllegalStateException(new OwnCause()))).isTrue();
    }

    @Test
    void neverRetriesATypeItIsToldToWhateverTheIncludesSay() {
        var policy = new RetryPolicy(3, Duration.ofMillis(5), 1.5, Duration.ofSeconds(1), Duration.ZERO,
                List.of(IllegalStateException.class), List.of(), Duration.ofSeconds(2));

        var never = policy.neverRetrying(IllegalStateException.class);

        assertThat(policy.retries(new IllegalStateException())).isTrue();
        assertThat(never.retries(new IllegalStateException())).isFalse();
        assertThat(never.excludes()).containsExactly(IllegalStateException.class);
        assertThat(never).usingRecursiveComparison().ignoringFields("excludes").isEqualTo(policy);
        assertThat(never.neverRetrying(IllegalStateException.class)).as("once is enough").isSameAs(never);
    }

    static class NoEffect {
        @Step(compensation = Step.Compensation.NONE, noEffectOn = java.io.FileNotFoundException.class)
        void lookUp() {
        }
    }

    @Test
    void recognisesAStepsNoEffectFailuresAlsoAsCauses() throws Exception {
        var m = NoEffect.class.getDeclaredMethod("lookUp");
        var step = new StepDefinition("noEffect.lookUp", "lookUp", "noEffect", NoEffect.class, m,
                m.getAnnotation(Step.class), null, null, null);

        assertThat(RetryPolicy.matches(step.noEffectOn(), new java.io.FileNotFoundException("gone"))).isTrue();
        assertThat(RetryPolicy.matches(step.noEffectOn(), new IllegalStateException("wrapped",
                new java.io.FileNotFoundException("gone")))).isTrue();
        assertThat(RetryPolicy.matches(step.noEffectOn(), new java.io.IOException("maybe took effect"))).isFalse();
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
