package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.StringUtils;

import dev.saga.fixtures.NonDeterministicSagas;
import dev.saga.testsupport.TestEngine;

/** saga.determinism-check at startup: warn logs each call that breaks replay, fail refuses to start, off skips it. */
@ExtendWith(OutputCaptureExtension.class)
class DeterminismCheckTests {

    /** The calls that break replay in the fixture: 24 in one saga, 3 in another, 3 self-invocations of steps. */
    private static final int FINDINGS = 30;

    private static final String DEBUG = "logging.level.dev.saga.autoconfigure.SagaStartupValidation=debug";

    @Test
    void warnsOfEachCallThatBreaksReplayAndStarts(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(NonDeterministicSagas.AllSagas.class), DEBUG);

            assertThat(node.isRunning()).isTrue();
            assertThat(StringUtils.countOccurrencesOf(output.getAll(), "WARN")).isGreaterThanOrEqualTo(FINDINGS);
            assertThat(StringUtils.countOccurrencesOf(output.getAll(), "Saga code that breaks replay: "))
                    .isEqualTo(FINDINGS);
            assertThat(output.getAll())
                    .contains("Saga code that breaks replay: " + NonDeterministicSagas.EverythingSaga.class.getName()
                            + ".run (NonDeterministicSagas.java:")
                    .contains("calls java.util.UUID.randomUUID(): it is random, so every replay sees another value;"
                            + " use Sagas.randomUUID(), which is recorded")
                    .contains(NonDeterministicSagas.Steps.class.getName() + ".recordTwice (NonDeterministicSagas.java:")
                    .containsPattern("Determinism check of 3 sagas and 2 step beans took \\d+\\.\\d ms"
                            + " \\(\\d+ methods read, 30 findings\\)");
        }
    }

    @Test
    void failRefusesToStartListingEveryCallThatBreaksReplay(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(NonDeterministicSagas.AllSagas.class),
                    "saga.determinism-check=fail"))
                    .isInstanceOf(BeanInitializationException.class)
                    .hasMessage("Saga definitions are invalid (" + FINDINGS + " problems), listed in the cause")
                    .cause().isInstanceOf(SagaDefinitionException.class)
                    .extracting(e -> ((SagaDefinitionException) e).problems(),
                            InstanceOfAssertFactories.list(String.class))
                    .hasSize(FINDINGS)
                    .allSatisfy(problem -> assertThat(problem).containsPattern(
                            "^dev\\.saga\\.fixtures\\.NonDeterministicSagas\\$\\w+\\.[\\w$]+ \\(NonDeterministicSagas"
                                    + "\\.java:\\d+\\)(, reached from [\\w$ >-]+,)? calls .+: it .+; .+$"))
                    .anySatisfy(problem -> assertThat(problem).contains(".run (NonDeterministicSagas.java:")
                            .endsWith("calls java.lang.Thread.sleep(long): it blocks the worker thread, and waits"
                                    + " again on every replay; use Sagas.sleep(Duration), a durable timer"))
                    .anySatisfy(problem -> assertThat(problem).contains(".recordTwice (")
                            .endsWith("call it through the bean's proxy (inject it) or make it a plain method"));

            assertThat(output.getAll()).containsOnlyOnce("APPLICATION FAILED TO START")
                    .contains("saga.determinism-check")
                    .doesNotContain("Saga code that breaks replay");
        }
    }

    @Test
    void offDoesNotLook(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(NonDeterministicSagas.AllSagas.class), "saga.determinism-check=off",
                    DEBUG);

            assertThat(node.isRunning()).isTrue();
            assertThat(output.getAll()).doesNotContain("breaks replay").doesNotContain("Determinism check of");
        }
    }

    @Test
    void aCleanSagaStartsEvenWhenTheCheckFails(CapturedOutput output) {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(NonDeterministicSagas.CleanOnly.class), "saga.determinism-check=fail",
                    DEBUG);

            assertThat(node.isRunning()).isTrue();
            assertThat(output.getAll()).containsPattern("Determinism check of 1 sagas and 1 step beans took");
        }
    }
}
