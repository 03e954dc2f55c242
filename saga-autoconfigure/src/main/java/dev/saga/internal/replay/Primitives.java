package dev.saga.internal.replay;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.time.SagaClock;

/**
 * The saga's recorded values ({@code Sagas.now()}, {@code randomUUID()}) and version markers
 * ({@code patched}): recorded when first taken, read back on replay.
 */
final class Primitives {

    private final PayloadCodec codec;
    private final SagaClock clock;

    Primitives(PayloadCodec codec, SagaClock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    Instant now(ReplayCursor cursor) {
        if (cursor.execution().inStep()) {
            return clock.now(); // a step's result is recorded as a whole; its inner values need not be
        }
        return (Instant) recorded(cursor, StepKind.NOW, "now", Instant.class, clock::now);
    }

    UUID randomUUID(ReplayCursor cursor) {
        if (cursor.execution().inStep()) {
            return UUID.randomUUID();
        }
        return (UUID) recorded(cursor, StepKind.RANDOM_UUID, "randomUUID", UUID.class, UUID::randomUUID);
    }

    /**
     * {@code Sagas.patched}: true where the history has the change's marker or ends here (new
     * code runs), false where the history recorded something else at this point (the saga passed
     * it before the change was deployed); a false does not take a sequence number.
     */
    boolean patched(ReplayCursor cursor, String changeId) {
        cursor.execution().requireEntryMethod("patched");
        StepRecord row = cursor.recorded(cursor.peek());
        if (row != null && !(row.kind() == StepKind.PATCH && row.name().equals(changeId))) {
            cursor.patchDeclined(cursor.peek(), changeId);
            return false;
        }
        int seq = cursor.next();
        if (row == null) {
            cursor.record(StepRecord.completed(cursor.execution().sagaId(), seq, StepKind.PATCH, changeId, null,
                    clock.now()));
        }
        return true;
    }

    private Object recorded(ReplayCursor cursor, StepKind kind, String name, Class<?> type, Supplier<?> value) {
        int seq = cursor.next();
        StepRecord row = cursor.replay(seq, kind, name);
        if (row != null) {
            return codec.read(row.result(), type, name);
        }
        Object fresh = value.get();
        cursor.record(StepRecord.completed(cursor.execution().sagaId(), seq, kind, name, codec.write(fresh, name),
                clock.now()));
        return fresh;
    }
}
