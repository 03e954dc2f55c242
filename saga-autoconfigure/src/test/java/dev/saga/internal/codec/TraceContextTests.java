package dev.saga.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The propagation headers as stored with a saga, and the trace id each format names. */
class TraceContextTests {

    @Test
    void storesAnyHeaderValueAndReadsItBackAsItWas() {
        var headers = new LinkedHashMap<String, String>();
        headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        headers.put("baggage", "tenant=acme&co,region=eu west;prop=1%");

        var stored = TraceContext.encode(headers);

        assertThat(TraceContext.decode(stored)).containsExactlyEntriesOf(headers);
        assertThat(TraceContext.encode(Map.of())).as("no tracer, nothing stored").isNull();
        assertThat(TraceContext.decode(null)).isEmpty();
    }

    @Test
    void findsTheTraceIdInW3cAndB3Headers() {
        assertThat(TraceContext.traceId(TraceContext.encode(
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceContext.traceId(
                TraceContext.encode(Map.of("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"))))
                .isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(TraceContext.traceId(TraceContext.encode(Map.of("X-B3-TraceId", "463ac35c9f6413ad",
                "X-B3-SpanId", "a2fb4a1d1a96d312")))).isEqualTo("463ac35c9f6413ad");
        assertThat(TraceContext.traceId(TraceContext.encode(Map.of("uber-trace-id", "x")))).isNull();
        assertThat(TraceContext.traceId(null)).isNull();
    }
}
