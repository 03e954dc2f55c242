package dev.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.fixtures.Journal;
import dev.saga.fixtures.Order;
import dev.saga.fixtures.ShopConfiguration;
import dev.saga.fixtures.ShopSteps;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.testsupport.Ledger;
import dev.saga.testsupport.TestEngine;

/** One node: sagas complete, compensate, start idempotently and only with the caller's commit. */
class SagaLifecycleTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestEngine engine;
    private static ConfigurableApplicationContext node;
    private static SagaClient client;
    private static Journal journal;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void startNode() {
        engine = new TestEngine();
        // no periodic poll during the tests: every saga here runs because its start woke the dispatcher
        node = engine.startNode(List.of(ShopConfiguration.class), "saga.dispatcher.poll-interval=1h");
        client = TestEngine.client(node);
        journal = node.getBean(Journal.class);
        jdbc = TestEngine.jdbc(node);
    }

    @AfterAll
    static void stopNode() {
        engine.close();
    }

    @Test
    void completesAThreeStepSagaRunningEveryStepExactlyOnce() {
        var id = client.start("order", new Order("complete-1", 40));

        var output = client.awaitResult(id, String.class, WAIT);

        assertThat(output).isEqualTo("pay-complete-1|res-complete-1|label-complete-1");
        assertThat(journal.of("complete-1")).containsExactly("charge key=" + id + "/0", "reserve", "ship key=" + id + "/2");
        assertThat(ledger(id)).extracting(StepRecord::kind, StepRecord::name, StepRecord::status, StepRecord::attemptCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(StepKind.STEP, "shopSteps.charge", StepStatus.COMPLETED, 1),
                        org.assertj.core.groups.Tuple.tuple(StepKind.STEP, "shopSteps.reserve", StepStatus.COMPLETED, 1),
                        org.assertj.core.groups.Tuple.tuple(StepKind.STEP, "shopSteps.ship", StepStatus.COMPLETED, 1));
        assertThat(client.find(id)).get().satisfies(view -> {
            assertThat(view.status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(view.finishedAt()).isNotNull();
        });
        assertThat(Ledger.of(node).outbox(id)).as("finished work leaves the outbox").isEmpty();
    }

    @Test
    void runsASagaRightAfterTheStartCommitsWithoutWaitingForThePoll() {
        var id = client.start("order", new Order("wake-1", 3));

        assertThat(client.awaitResult(id, String.class, Duration.ofSeconds(10))).startsWith("pay-wake-1");
    }

    @Test
    void compensatesCompletedStepsInReverseOrderWhenAStepExhaustsItsRetries() {
        node.getBean(ShopSteps.class).failShipmentsOf("undo-1");
        var id = client.start("order", new Order("undo-1", 25));

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.COMPENSATED);
                    assertThat(failure.error()).contains("IllegalStateException: carrier down for undo-1");
                });
        var ship = "ship key=" + id + "/2"; // the same key on every attempt
        assertThat(journal.of("undo-1")).as("the failed shipment is not transactional, so it may have taken effect"
                + " and is undone too, without a result").containsExactly("charge key=" + id + "/0", "reserve", ship,
                ship, ship, "void null", "release res-undo-1", "refund pay-undo-1 25");
        var ledger = ledger(id);
        assertThat(ledger).filteredOn(row -> row.kind() == StepKind.STEP).extracting(StepRecord::status)
                .containsExactly(StepStatus.COMPLETED, StepStatus.COMPLETED, StepStatus.FAILED);
        assertThat(ledger).filteredOn(row -> row.kind() == StepKind.COMPENSATION)
                .extracting(StepRecord::name, StepRecord::compensates, StepRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("shopSteps.ship", 2, StepStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("shopSteps.reserve", 1, StepStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("shopSteps.charge", 0, StepStatus.COMPLETED));
        assertThat(jdbc.queryForList("select step from test_effect where saga_key = 'undo-1' order by id", String.class))
                .containsExactly("reserve", "release");
    }

    @Test
    void failsTheSagaWithBothErrorsWhenACompensationKeepsFailing() {
        var steps = node.getBean(ShopSteps.class);
        steps.failShipmentsOf("stuck-1");
        steps.failRefundsOf("stuck-1");
        var id = client.start("order", new Order("stuck-1", 9));

        assertThatThrownBy(() -> client.awaitResult(id, String.class, WAIT))
                .isInstanceOfSatisfying(SagaFailedException.class, failure -> {
                    assertThat(failure.status()).isEqualTo(SagaStatus.FAILED);
                    assertThat(failure.error()).contains("Compensation of step 'shopSteps.charge' (#0) failed after 4")
                            .contains("gateway refuses refund of pay-stuck-1")
                            .contains("the saga had failed with: java.lang.IllegalStateException: carrier down for stuck-1");
                });
        assertThat(journal.of("stuck-1")).filteredOn(e -> e.startsWith("refund"))
                .as("1 attempt + saga.retry.max-retries (3)").hasSize(4);
        assertThat(journal.of("stuck-1")).filteredOn(e -> e.startsWith("release")).hasSize(1);
        assertThat(ledger(id)).filteredOn(row -> row.kind() == StepKind.COMPENSATION)
                .extracting(StepRecord::name, StepRecord::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("shopSteps.ship", StepStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("shopSteps.reserve", StepStatus.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("shopSteps.charge", StepStatus.FAILED));
        assertThat(Ledger.of(node).outbox(id)).as("a FAILED saga waits for an operator, not for the dispatcher")
                .isEmpty();
    }

    @Test
    void leavesNoSagaWhenTheCallersTransactionRollsBack() {
        var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));

        UUID id = transaction.execute(status -> {
            var started = client.start("order", new Order("rolled-back", 1), StartOptions.businessKey("rolled-back"));
            status.setRollbackOnly();
            return started;
        });

        assertThat(client.find(id)).isEmpty();
        assertThat(Ledger.of(node).outbox(id)).isEmpty();
        var again = client.start("order", new Order("rolled-back", 1), StartOptions.businessKey("rolled-back"));
        assertThat(again).as("the key is free again").isNotEqualTo(id);
        client.awaitResult(again, String.class, WAIT);
        assertThat(journal.of("rolled-back")).as("only the committed start ran").hasSize(3);
    }

    @Test
    void returnsTheFirstSagaWhenStartedTwiceWithOneBusinessKey() {
        var first = client.start("order", new Order("dup-1", 5), StartOptions.businessKey("dup-1"));
        var second = client.start("order", new Order("dup-1", 5), StartOptions.businessKey("dup-1"));

        assertThat(second).isEqualTo(first);
        client.awaitResult(first, String.class, WAIT);
        assertThat(Ledger.of(node).instancesWithBusinessKey("dup-1")).isEqualTo(1);
        assertThat(journal.of("dup-1")).containsExactly("charge key=" + first + "/0", "reserve", "ship key=" + first + "/2");
    }

    @Test
    void createsOneSagaWhenTwoTransactionsStartWithOneBusinessKeyConcurrently() throws Exception {
        var transaction = new TransactionTemplate(node.getBean(PlatformTransactionManager.class));
        var firstInserted = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<UUID> first = pool.submit(() -> transaction.execute(status -> {
                var id = client.start("order", new Order("race-1", 7), StartOptions.businessKey("race-1"));
                firstInserted.countDown();
                awaitQuietly(secondIsWaiting());
                return id;
            }));
            assertThat(firstInserted.await(10, TimeUnit.SECONDS)).isTrue();
            Future<UUID> second = pool.submit(() -> transaction.execute(status ->
                    client.start("order", new Order("race-1", 7), StartOptions.businessKey("race-1"))));

            assertThat(second.get(20, TimeUnit.SECONDS)).isEqualTo(first.get(20, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertThat(Ledger.of(node).instancesWithBusinessKey("race-1")).isEqualTo(1);
    }

    @Test
    void refusesUnknownSagasAndInputOfTheWrongType() {
        assertThatThrownBy(() -> client.start("no-such-saga", new Order("x", 1)))
                .isInstanceOf(UnknownSagaException.class).hasMessageContaining("no-such-saga").hasMessageContaining("[order]");
        assertThatThrownBy(() -> client.start("order", "not an order"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Order.class.getName());
        assertThatThrownBy(() -> StartOptions.businessKey(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Waits until another session is blocked on a lock, i.e. the second start waits for the first. */
    private static java.util.function.BooleanSupplier secondIsWaiting() {
        return () -> jdbc.queryForObject("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                + " and datname = current_database()", Integer.class) > 0;
    }

    private static void awaitQuietly(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition::getAsBoolean);
    }

    private static List<StepRecord> ledger(UUID id) {
        return Ledger.of(node).steps(id);
    }
}
