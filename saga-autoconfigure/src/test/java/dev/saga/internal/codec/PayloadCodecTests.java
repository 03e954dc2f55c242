package dev.saga.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.saga.SagaPayloadException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payloads to JSON and back without a Spring context: round trips with generic types, the size
 * limit, which JSON texts hold a U+0000 that PostgreSQL's jsonb refuses however Jackson wrote it,
 * and the refusals, always the public {@link SagaPayloadException} with a message saying what to do.
 */
class PayloadCodecTests {

    private static final String NUL = "\u0000";
    private static final String BACKSLASH = "\\";
    private static final Type ITEMS = new TypeReference<List<Item>>() { }.getType();

    record Item(String sku, int quantity) {
    }

    /** A value whose getter fails, so Jackson cannot write it. */
    public static final class Unwritable {
        public String getSecret() {
            throw new IllegalStateException("stays in memory");
        }
    }

    private final PayloadCodec codec = new PayloadCodec(JsonMapper.builder().build());

    /** An order line that points back to its order, as a bidirectional JPA association does. */
    public static final class Line {
        public Line other;
    }

    @Test
    void aValueThatRefersBackToItselfIsRefusedAsACycleNotAsADeepDocument() {
        var line = new Line();
        line.other = new Line();
        line.other.other = line;

        assertThatThrownBy(() -> codec.write(line, "the arguments of step 'orders.ship'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store the arguments of step 'orders.ship': a " + Line.class.getName()
                        + " nests deeper than")
                .hasMessageContaining("refers back to itself (a cycle")
                .hasMessageContaining("@JsonIgnore")
                .hasMessageNotContaining("StreamWriteConstraints");
    }

    /** A value whose text Jackson writes as it is, without escaping. */
    record Raw(@JsonRawValue String json) {
    }

    @Test
    void refusesAU0000WhereverJacksonWritesIt() {
        for (var value : List.of("a" + NUL, List.of("x", NUL), Map.of("key" + NUL, 1), BACKSLASH + NUL,
                BACKSLASH + BACKSLASH + NUL, new Raw("\"" + NUL + "\""), new Raw("\"" + BACKSLASH + "u0000\""))) {
            assertThatThrownBy(() -> codec.write(value, "result of step 's'")).as(String.valueOf(value))
                    .isExactlyInstanceOf(SagaPayloadException.class)
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
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store arguments of step 's': argument 2 of 2, it contains the"
                        + " character U+0000");
    }

    @Test
    void readsBackWhatItWroteAsTheDeclaredGenericType() {
        var items = List.of(new Item("a", 1), new Item("b", 2));

        var json = codec.write(items, ITEMS, "input of saga 'order'");

        assertThat(json).isEqualTo("[{\"sku\":\"a\",\"quantity\":1},{\"sku\":\"b\",\"quantity\":2}]");
        assertThat(codec.read(json, ITEMS, "input")).isEqualTo(items);
        assertThat(codec.read(json, List.class, "input")).as("a raw type reads maps, not items")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).first().isInstanceOf(Map.class);
    }

    @Test
    void keepsNullAndReadsNothingForVoid() {
        assertThat(codec.write(null, "result")).isNull();
        assertThat(codec.write(null, String.class, "result")).isNull();
        assertThat(codec.writeRecord(null, "attempts")).isNull();
        assertThat(codec.read(null, String.class, "result")).isNull();
        assertThat(codec.read("\"ignored\"", void.class, "result")).isNull();
        assertThat(codec.read("\"ignored\"", Void.class, "result")).isNull();
    }

    @Test
    void writesArgumentsAsAnArrayAndReadsEachAsItsParameterType() {
        Type[] types = {String.class, ITEMS, int.class};
        Object[] arguments = {"order-1", List.of(new Item("a", 3)), 7};

        var json = codec.writeArguments(arguments, types, "arguments of step 's'");

        assertThat(codec.readArguments(json, types, "arguments of step 's'")).containsExactly(arguments);
        assertThat(codec.writeArguments(null, "arguments of step 's'")).isEqualTo("[]");
        assertThat(codec.readArguments(null, new Type[0], "arguments of step 's'")).isEmpty();
    }

    @Test
    void readsOneFieldOfAnObjectAsTheGivenType() {
        var json = "{\"item\":{\"sku\":\"a\",\"quantity\":1},\"none\":null}";

        assertThat(codec.readField(json, "item", Item.class, "signal")).isEqualTo(new Item("a", 1));
        assertThat(codec.readField(json, "none", Item.class, "signal")).isNull();
        assertThat(codec.readField(json, "absent", Item.class, "signal")).isNull();
    }

    @Test
    void acceptsAPayloadUpToTheLimitCountedInUtf8BytesAndRefusesOneByteMore() {
        var limited = new PayloadCodec(JsonMapper.builder().build(), 12);

        assertThat(limited.write("\u00e9\u00e9\u00e9\u00e9\u00e9", "input")).as("5 two-byte chars, 2 quotes: 12 bytes")
                .hasSize(7);
        assertThatThrownBy(() -> limited.write("\u00e9\u00e9\u00e9\u00e9\u00e9a", "input of saga 'order'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessage("Cannot store input of saga 'order': it is 13 bytes of JSON, over the limit of 12 bytes"
                        + " (saga.max-payload-size). Keep large data outside the saga and pass a reference to it, or"
                        + " raise saga.max-payload-size");
        assertThatThrownBy(() -> limited.writeArguments(new Object[] {"0123456789"}, "arguments"))
                .as("the array counts as a whole").isExactlyInstanceOf(SagaPayloadException.class);
        assertThat(limited.writeRecord("a record of the engine's own, longer than the limit", "attempts"))
                .as("the engine's own records are not payloads").isNotNull();
        assertThat(limited.maxPayloadBytes()).isEqualTo(12);
    }

    @Test
    void refusesALimitThatIsNotPositive() {
        assertThatThrownBy(() -> new PayloadCodec(JsonMapper.builder().build(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("saga.max-payload-size must be positive: 0 bytes");
    }

    @Test
    void refusesAValueJacksonCannotWriteNamingItsTypeWithThePublicExceptionAndJacksonsCause() {
        assertThatThrownBy(() -> codec.write(new Unwritable(), "result of step 's'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store result of step 's': a " + Unwritable.class.getName()
                        + " cannot be written as JSON: ")
                .hasMessageEndingWith(". Make it serialisable by the application's Jackson mapper")
                .hasCauseInstanceOf(JacksonException.class);
    }

    @Test
    void refusesAValueThatCannotBeReadBackAsTheTypeThatWillReadIt() {
        assertThatThrownBy(() -> codec.write("not a number", Integer.class, "output of saga 'order'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store output of saga 'order': a java.lang.String can be written as"
                        + " JSON but not read back as java.lang.Integer, as the saga would have to: ")
                .hasMessageEndingWith(". Give the type a constructor or factory Jackson can use");
        assertThatThrownBy(() -> codec.writeArguments(new Object[] {"x"}, new Type[] {Item.class}, "arguments of"
                + " step 's'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store arguments of step 's': they can be written as JSON but not read"
                        + " back as their parameter types, as a compensation or a replay would have to: Cannot read"
                        + " arguments of step 's': ");
    }

    @Test
    void refusesToReadWhatDoesNotFitTheDeclaredType() {
        assertThatThrownBy(() -> codec.read("{\"sku\":", Item.class, "result of step 's'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot read result of step 's' as " + Item.class.getTypeName() + ": ");
        assertThatThrownBy(() -> codec.readArguments("[\"a\"]", new Type[] {String.class, int.class}, "arguments"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessage("Cannot read arguments: 1 recorded arguments but 2 parameters");
    }
}
