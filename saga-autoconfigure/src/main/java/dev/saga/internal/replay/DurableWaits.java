package dev.saga.internal.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.time.SagaClock;

/**
 * The saga's durable waits, each a ledger row due at its end: for a signal and for a timer. A
 * wait (or a retry's backoff) shorter than the inline limit is taken on the saga's thread; a
 * longer one suspends the run until it is due.
 */
final class DurableWaits {

    private final SignalStore signals;
    private final PayloadCodec codec;
    private final TransactionTemplate transaction;
    private final SagaClock clock;
    private final Duration maxInlineWait;

    DurableWaits(SignalStore signals, PayloadCodec codec, PlatformTransactionManager transactionManager,
            SagaClock clock, Duration maxInlineWait) {
        this.signals = signals;
        this.codec = codec;
        this.transaction = new TransactionTemplate(transactionManager);
        this.clock = clock;
        this.maxInlineWait = maxInlineWait;
    }

    /** {@code Sagas.awaitSignal}: a pending signal at once, else a wait row due at the timeout. */
    Optional<Object> awaitSignal(ReplayCursor cursor, String name, Class<?> type, Duration timeout) {
        var execution = cursor.execution();
        execution.requireEntryMethod("awaitSignal");
        var waiting = waitRow(cursor, StepKind.SIGNAL, name, timeout);
        int seq = waiting.seq();
        if (waiting.status() == StepStatus.COMPLETED) {
            return received(cursor, waiting, type, name);
        }
        var pending = EngineWrites.fenced(() -> signals.oldestPending(execution.sagaId(), name));
        if (pending.isPresent()) {
            var done = waiting.succeeded(SignalWaits.received(pending.get().payload()), waiting.startedAt(),
                    clock.now());
            EngineWrites.fenced(() -> transaction.executeWithoutResult(status -> {
                cursor.record(done); // the fence first: instance, then signal (the engine's lock order)
                if (!signals.consume(pending.get().id(), seq)) {
                    throw new SagaControl.Abandon("signal " + pending.get().id() + " was consumed by another run");
                }
            }));
            return received(cursor, done, type, name);
        }
        if (!clock.now().isBefore(waiting.nextAttemptAt())) {
            cursor.record(waiting.succeeded(SignalWaits.timedOut(), waiting.startedAt(), clock.now()));
            return Optional.empty();
        }
        if (cursor.recorded(seq) == null) {
            cursor.record(waiting);
        }
        throw new SagaControl.Suspend(Duration.between(clock.now(), waiting.nextAttemptAt()));
    }

    /** {@code Sagas.sleep}: a timer row due when the saga wakes. */
    void sleep(ReplayCursor cursor, Duration duration) {
        cursor.execution().requireEntryMethod("sleep");
        var row = waitRow(cursor, StepKind.SLEEP, "sleep", duration);
        if (row.status() == StepStatus.COMPLETED) {
            return;
        }
        var remaining = Duration.between(clock.now(), row.nextAttemptAt());
        if (remaining.compareTo(maxInlineWait) > 0) {
            if (cursor.recorded(row.seq()) == null) {
                cursor.record(row);
            }
            throw new SagaControl.Suspend(remaining);
        }
        pauseInline(remaining);
        cursor.record(row.succeeded(null, row.startedAt(), clock.now()));
    }

    /** Waits here until {@code due} (none: no wait) when it is near enough, else suspends the run until then. */
    void until(@Nullable Instant due) {
        if (due == null) {
            return;
        }
        var remaining = Duration.between(clock.now(), due);
        if (remaining.compareTo(maxInlineWait) > 0) {
            throw new SagaControl.Suspend(remaining);
        }
        pauseInline(remaining);
    }

    /**
     * The wait at the next sequence number: as recorded (checked to be the same wait), or a new one,
     * not yet written, due after {@code length}. A replay check stops at a wait that has not ended.
     */
    private StepRecord waitRow(ReplayCursor cursor, StepKind kind, String name, Duration length) {
        int seq = cursor.next();
        StepRecord row = cursor.replay(seq, kind, name);
        if (row != null) {
            cursor.requireSettled(row);
            return row;
        }
        var now = clock.now();
        return StepRecord.started(cursor.execution().sagaId(), seq, kind, name, null, null, now)
                .waitingUntil(now.plus(length));
    }

    private Optional<Object> received(ReplayCursor cursor, StepRecord row, Class<?> type, String name) {
        return Optional.ofNullable(cursor.read(row, "SIGNAL '" + name + "' waiting for a " + type.getName()
                + ", which cannot read the recorded payload",
                () -> SignalWaits.payload(codec, row.result(), type, "signal '" + name + "'").orElse(null)));
    }

    private static void pauseInline(Duration remaining) {
        if (!remaining.isNegative() && !remaining.isZero()) {
            try {
                Thread.sleep(remaining.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SagaControl.Suspend(remaining);
            }
        }
    }
}
