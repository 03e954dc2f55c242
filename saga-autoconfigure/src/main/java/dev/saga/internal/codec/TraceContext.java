package dev.saga.internal.codec;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The propagation headers of a trace ({@code traceparent}, {@code tracestate}, {@code b3},
 * {@code baggage}, ...) as the engine stores them with a saga: {@code key=value&key=value}, each
 * part URL-encoded, so a value may hold any character; and the trace id they name.
 */
public final class TraceContext {

    private TraceContext() {
    }

    /** The headers as stored, or {@code null} for none. */
    public static @Nullable String encode(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return null;
        }
        return headers.entrySet().stream().map(header -> encoded(header.getKey()) + "=" + encoded(header.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** The headers of a stored context; none for {@code null}. */
    public static Map<String, String> decode(@Nullable String stored) {
        var headers = new LinkedHashMap<String, String>();
        if (stored == null || stored.isEmpty()) {
            return headers;
        }
        for (var part : stored.split("&")) {
            int equals = part.indexOf('=');
            if (equals > 0) {
                headers.put(decoded(part.substring(0, equals)), decoded(part.substring(equals + 1)));
            }
        }
        return headers;
    }

    /**
     * The trace id of a stored context: from W3C's {@code traceparent}
     * ({@code 00-<trace id>-<span id>-<flags>}), else from B3's {@code b3} or {@code X-B3-TraceId};
     * {@code null} when it names none.
     */
    public static @Nullable String traceId(@Nullable String stored) {
        var headers = decode(stored);
        var traceparent = headers.get("traceparent");
        if (traceparent != null) {
            var parts = traceparent.split("-");
            return parts.length >= 3 ? parts[1] : null;
        }
        var b3 = headers.get("b3");
        if (b3 != null) {
            var parts = b3.split("-");
            return parts.length >= 2 ? parts[0] : null;
        }
        return headers.get("X-B3-TraceId");
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String decoded(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
