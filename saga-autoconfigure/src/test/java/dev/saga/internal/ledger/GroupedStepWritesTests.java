package dev.saga.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.testsupport.TestEngine;

/** Ledger rows of concurrent sagas written together: each row keeps its own fence and outcome. */
class GroupedStepWritesTests {

    @Test
    void rowsQueuedBehindAWriteGoInOneStatementEachWithItsOwnFenceAndCancelReason() throws Exception {
        try (var engine = new TestEngine()) {
            var node = engine.startNode(List.of());
            var jdbc = TestEngine.jdbc(node);
            var ledger = node.getBean(LedgerStore.class);
            var codec = node.getBean(PayloadCodec.class);
            UUID first = saga(jdbc, 1, null);
            UUID plain = saga(jdbc, 1, null);
            UUID takenOver = saga(jdbc, 2, null); // another node claimed it since
            UUID cancelled = saga(jdbc, 1, "stop, please");

            var firstWriteEntered = new CountDownLatch(1);
            var releaseFirstWrite = new CountDownLatch(1);
            var writes = new GroupedStepWrites(jdbc, "saga.saga_instance", "saga.saga_step",
                    row -> codec.write(row.attempts(), "attempt log"), (fence, row) -> {
                        if (row.sagaId().equals(first)) {
                            firstWriteEntered.countDown();
                            awaitQuietly(releaseFirstWrite);
                        }
                        return ledger.record(fence, row);
                    });

            var firstOutcome = CompletableFuture.supplyAsync(() -> writes.write(new Fence(first, 1, "node-a"), row(first)));
            assertThat(firstWriteEntered.await(30, TimeUnit.SECONDS)).isTrue();
            var plainOutcome = CompletableFuture.supplyAsync(() -> writes.write(new Fence(plain, 1, "node-a"), row(plain)));
            var takenOverOutcome = CompletableFuture.supplyAsync(() -> writes.write(new Fence(takenOver, 1, "node-a"),
                    row(takenOver)));
            var cancelledOutcome = CompletableFuture.supplyAsync(() -> writes.write(new Fence(cancelled, 1, "node-a"),
                    row(cancelled)));
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.queued() == 3);
            releaseFirstWrite.countDown();

            assertThat(firstOutcome.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(plainOutcome.get(30, TimeUnit.SECONDS)).isEmpty();
            assertThat(cancelledOutcome.get(30, TimeUnit.SECONDS)).contains("stop, please");
            assertThatThrownBy(() -> takenOverOutcome.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(FencedOffException.class);
            assertThat(writes.queued()).isZero();

            assertThat(ledger.steps(takenOver)).as("a fenced-off node writes nothing").isEmpty();
            for (UUID saga : List.of(first, plain, cancelled)) {
                assertThat(ledger.steps(saga)).as("written as given, by the batch or alone")
                        .containsExactly(row(saga));
                assertThat(jdbc.queryForMap("select node_id, fencing from saga.saga_step where saga_id = ?", saga))
                        .as("with the claim that wrote it").containsEntry("node_id", "node-a")
                        .containsEntry("fencing", 1L);
            }
        }
    }

    private static final Instant STARTED = Instant.parse("2026-11-25T10:15:30.123456Z");

    private static StepRecord row(UUID saga) {
        // as jsonb writes them back, so that the rows compare equal
        return StepRecord.started(saga, 0, StepKind.STEP, "charge", null, "[\"order-7\", 25]", STARTED)
                .succeeded("{\"id\": \"pay-7\"}", STARTED, STARTED.plus(3, ChronoUnit.MILLIS));
    }

    private static UUID saga(org.springframework.jdbc.core.JdbcTemplate jdbc, long fencing, String cancelReason) {
        var id = UUID.randomUUID();
        jdbc.update("insert into saga.saga_instance (id, name, version, status, fencing, cancel_reason)"
                + " values (?, 'order', 1, 'RUNNING', ?, ?)", id, fencing, cancelReason);
        return id;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
