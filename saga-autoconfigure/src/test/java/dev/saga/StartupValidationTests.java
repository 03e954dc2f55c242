package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.saga.misuse.Misuses;
import dev.saga.testsupport.TestEngine;

/** Misused annotations fail startup with one message that lists every problem. */
class StartupValidationTests {

    @Test
    void failsStartupListingEveryMisuseWithItsClassAndMethod() {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(Misuses.AllMisuses.class)))
                    .hasMessage("Saga definitions are invalid (10 problems), listed in the cause")
                    .cause().isInstanceOf(SagaDefinitionException.class)
                    .hasMessageStartingWith("Saga definitions are invalid (10 problems):")
                    .extracting(e -> ((SagaDefinitionException) e).problems(), InstanceOfAssertFactories.list(String.class))
                    .satisfiesExactlyInAnyOrder(
                            p -> assertThat(p).contains("MissingCompensation.charge(String) has no compensation")
                                    .contains("@Compensate(\"charge\")").contains("@Step(compensation = Step.Compensation.NONE)"),
                            p -> assertThat(p).contains("CompensationForNoStep.unsend(String) names step 'sendd'")
                                    .contains("its steps: send"),
                            p -> assertThat(p).contains("CompensationWithWrongParameters.release(String, String)")
                                    .contains("(String, int)"),
                            p -> assertThat(p).contains("FinalStepMethod.label(String) is final"),
                            p -> assertThat(p).contains("FinalStepClass").contains("is final"),
                            p -> assertThat(p).contains("Saga 'twice' version 1 is declared 2 times")
                                    .contains("FirstSagaNamedTwice").contains("SecondSagaNamedTwice"),
                            p -> assertThat(p).contains("SagaWithTwoEntryMethods has 2 entry methods (alsoRun, run)"),
                            p -> assertThat(p).contains("SagaWithOwnStep.ownStep()").contains("Move the step to another bean"),
                            p -> assertThat(p).contains("BadRetryAttribute.call").contains("soon"),
                            p -> assertThat(p).contains("PivotWithCompensation.ship(String) is a pivot")
                                    .contains("PivotWithCompensation.unship(String) compensates it"));
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void printsEveryProblemOnceAsBootsFailureReportWithoutAStackTrace(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(Misuses.AllMisuses.class)))
                    .hasRootCauseInstanceOf(SagaDefinitionException.class);

            assertThat(output.getAll()).containsOnlyOnce("APPLICATION FAILED TO START")
                    .containsOnlyOnce("CompensationForNoStep.unsend(String) names step 'sendd'")
                    .containsOnlyOnce("FinalStepMethod.label(String) is final")
                    .contains("docs/programming-model.md")
                    .doesNotContain("Application run failed")
                    .doesNotContain("at dev.saga.autoconfigure.SagaStartupValidation");
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void aMisspeltKeyFailsStartupWithBootsFailureReportNamingTheKeyMeant(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(ValidOnly.class), "saga.retry.max-retry=5"))
                    .hasRootCauseInstanceOf(UnboundConfigurationPropertiesException.class);

            assertThat(output.getAll()).containsOnlyOnce("APPLICATION FAILED TO START")
                    .containsOnlyOnce("saga.retry.max-retry (\"saga.retry.max-retry\" from property source"
                            + " \"defaultProperties\"); did you mean saga.retry.max-retries?")
                    .doesNotContain("Application run failed");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Import(Misuses.Valid.class)
    static class ValidOnly {
    }

    @Test
    void acceptsACompensationThatTakesTheStepsArgumentsAndResult() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(ValidOnly.class));
            assertThat(node.getBean(Misuses.Valid.class).reserve("o", 1)).as("outside a saga: a plain call").isEqualTo("o");
        }
    }
}
