package dev.saga.internal.replay;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.saga.internal.codec.PayloadCodec;

/** How the outcome of a signal wait is recorded: {@code {"received": bool, "payload": json}}. */
final class SignalWaits {

    private SignalWaits() {
    }

    static String received(@Nullable String payloadJson) {
        return "{\"received\":true,\"payload\":" + (payloadJson == null ? "null" : payloadJson) + "}";
    }

    static String timedOut() {
        return "{\"received\":false,\"payload\":null}";
    }

    static Optional<Object> payload(PayloadCodec codec, String recorded, Class<?> type, String what) {
        return Optional.ofNullable(codec.readField(recorded, "payload", type, what));
    }
}
