package dev.saga.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.saga.SagaPayloadException;

import tools.jackson.databind.json.JsonMapper;

/** Which JSON texts hold a U+0000 that PostgreSQL's jsonb refuses, however Jackson wrote it. */
class PayloadCodecTests {

    private static final String NUL = "\u0000";
    private static final String BACKSLASH = "\\";
    private final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build());

    /** A value whose text Jackson writes as it is, without escaping. */
    record Raw(@JsonRawValue String json) {
    }

    @Test
    void refusesAU0000WhereverJacksonWritesIt() {
        for (var value : List.of("a" + NUL, List.of("x", NUL), Map.of("key" + NUL, 1), BACKSLASH + NUL,
                BACKSLASH + BACKSLASH + NUL, new Raw("\"" + NUL + "\""), new Raw("\"" + BACKSLASH + "u0000\""))) {
            assertThatThrownBy(() -> codec.write(value, "result of step 's'")).as(String.valueOf(value))
                    .isInstanceOf(SagaPayloadException.class)
                    .hasMessageStartingWith("Cannot store result of step 's': it contains the character U+0000");
        }
    }

    @Test
    void storesABackslashFollowedByTheTextU0000() {
        for (var text : List.of(BACKSLASH + "u0000", "C:" + BACKSLASH + "u0000" + BACKSLASH + BACKSLASH + "u0000",
                BACKSLASH + BACKSLASH + BACKSLASH + "u0000", "u0000", "\\u0001")) {
            var json = codec.write(text, "input");
            assertThat(codec.read(json, String.class, "input")).isEqualTo(text);
        }
    }

    @Test
    void namesTheArgumentThatHoldsAU0000() {
        assertThatThrownBy(() -> codec.writeArguments(new Object[] {"fine", "not" + NUL}, "arguments of step 's'"))
                .isInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store arguments of step 's': argument 2 of 2, it contains the"
                        + " character U+0000");
    }
}
