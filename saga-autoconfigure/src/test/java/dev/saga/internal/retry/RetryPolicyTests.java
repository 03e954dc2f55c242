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

    private static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5),
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
        var jittered = new RetryPolicy(3, Duration.ofMillis(100), 1.0, Duration.ofSeconds(1), Duration.ofMillis(150));
        var seen = new ArrayList<Duration>();
        for (int i = 0; i < 500; i++) {
            seen.add(jittered.delayAfter(1));
        }
        assertThat(seen).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, Duration.ofMillis(250)));
        assertThat(seen.stream().distinct().count()).as("jitter varies the delay").isGreaterThan(10);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(-1, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("max-retries");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, 0.5, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("multiplier");
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
        var policies = new RetryPolicies(DEFAULTS);

        var overriding = policies.forStep(step("overriding"));
        var inheriting = policies.forStep(step("inheriting"));

        assertThat(overriding).isEqualTo(new RetryPolicy(7, Duration.ofMillis(250), 2.0, Duration.ofSeconds(5),
                Duration.ZERO));
        assertThat(inheriting).isEqualTo(DEFAULTS);
    }

    private static StepDefinition step(String method) throws Exception {
        var m = Annotated.class.getDeclaredMethod(method);
        return new StepDefinition("annotated." + method, "annotated", Annotated.class, m, m.getAnnotation(Step.class),
                null, null, null);
    }
}
