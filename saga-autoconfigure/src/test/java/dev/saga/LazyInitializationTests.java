package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.saga.fixtures.Journal;
import dev.saga.fixtures.LazySagas;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** Sagas and steps are found and proxied at startup whether Spring creates their beans lazily or not. */
class LazyInitializationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void runsSagasAndRecordsTheirStepsOnANodeWithLazyInitialization() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LazySagas.Plain.class), "spring.main.lazy-initialization=true");

            var id = TestEngine.client(node).start("packing", "order-1");

            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo("packed picked order-1");
            assertThat(node.getBean(Journal.class).of("order-1")).containsExactly("pick", "pack");
            assertThat(ledger(node, id)).extracting(StepRecord::kind, StepRecord::name, StepRecord::status)
                    .containsExactly(tuple(StepKind.STEP, "packingSteps.pick", StepStatus.COMPLETED),
                            tuple(StepKind.STEP, "packingSteps.pack", StepStatus.COMPLETED));
        }
    }

    @Test
    void recordsTheStepsOfALazyStepBeanAsSteps() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LazySagas.ExplicitlyLazy.class));

            var id = TestEngine.client(node).start("eager-packing", "order-2");

            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo("packed picked order-2");
            assertThat(ledger(node, id)).as("each step call is a step, with its ledger row")
                    .extracting(StepRecord::kind, StepRecord::name)
                    .containsExactly(tuple(StepKind.STEP, "packingSteps.pick"), tuple(StepKind.STEP, "packingSteps.pack"));
        }
    }

    @Test
    void runsASagaDeclaredAsALazyBean() {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of(LazySagas.ExplicitlyLazy.class));

            var id = TestEngine.client(node).start("lazy-packing", "order-3");

            assertThat(TestEngine.client(node).awaitResult(id, String.class, WAIT)).isEqualTo("packed picked order-3");
            assertThat(ledger(node, id)).hasSize(2);
        }
    }

    @Test
    void failsStartupForAMisusedStepOnALazyBean() {
        assertStartupFailsForTheMisuse(LazySagas.LazyMisuse.class);
    }

    @Test
    void failsStartupForAMisusedStepOnANodeWithLazyInitialization() {
        assertStartupFailsForTheMisuse(LazySagas.Misuse.class, "spring.main.lazy-initialization=true");
    }

    private static void assertStartupFailsForTheMisuse(Class<?> configuration, String... properties) {
        try (var engine = new TestEngine()) {
            assertThatThrownBy(() -> engine.startNode(List.of(configuration), properties))
                    .cause().isInstanceOf(SagaDefinitionException.class)
                    .extracting(e -> ((SagaDefinitionException) e).problems(), InstanceOfAssertFactories.list(String.class))
                    .singleElement(InstanceOfAssertFactories.STRING)
                    .contains("StepWithoutCompensation.charge(String) has no compensation");
        }
    }

    private static List<StepRecord> ledger(ConfigurableApplicationContext node, UUID id) {
        return Ledger.of(node).steps(id);
    }
}
