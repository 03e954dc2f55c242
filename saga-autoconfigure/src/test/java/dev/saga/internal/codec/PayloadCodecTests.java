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

    /** Keeps its state in fields Jackson cannot see: it is written as {}. */
    public static final class Opaque {
        private String secret;

        Opaque with(String secret) {
            this.secret = secret;
            return this;
        }
    }

    /**
     * Read back through its constructor; its note is written under the getter's name, which no
     * constructor parameter, setter or field takes, so it is dropped when read.
     */
    public static final class HalfExposed {
        private final String sku;
        private final int quantity;
        private String note;

        public HalfExposed(String sku, int quantity) {
            this.sku = sku;
            this.quantity = quantity;
        }

        public String getSku() {
            return sku;
        }

        public int getQuantity() {
            return quantity;
        }

        public String getLabel() {
            return note;
        }

        HalfExposed withNote(String note) {
            this.note = note;
            return this;
        }
    }

    /** Left out on purpose: a cache that is computed again, and a field the type ignores. */
    public static final class Deliberate {
        public String sku;
        private transient int hash;
        @com.fasterxml.jackson.annotation.JsonIgnore
        public String scratch;

        Deliberate touched() {
            hash = 42;
            scratch = "x";
            return this;
        }
    }

    record Basket(List<HalfExposed> lines) {
    }

    @Test
    void refusesAValueWhoseFieldsJacksonCannotSeeRatherThanStoringAnEmptyObject() {
        assertThatThrownBy(() -> codec.write(new Opaque().with("s3cr3t"), Opaque.class, "input of saga 'order'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store input of saga 'order': a " + Opaque.class.getName()
                        + " does not read back from JSON as it was written")
                .hasMessageContaining("field 'secret' (of " + Opaque.class.getName() + ") ")
                .hasMessageContaining("make the type a record")
                .as("the value itself stays out of the message").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void refusesAFieldThatIsWrittenButNotReadBackNamingWhereItIsInTheArguments() {
        var basket = new Basket(List.of(new HalfExposed("a", 1), new HalfExposed("b", 2).withNote("fragile")));
        // as Boot configures it: properties that nothing reads are skipped, not refused
        var codec = new PayloadCodec(JsonMapper.builder()
                .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

        assertThatThrownBy(() -> codec.writeArguments(new Object[] {"order-1", basket},
                new Type[] {String.class, Basket.class}, "the arguments of step 'orders.pack'"))
                .isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessageStartingWith("Cannot store the arguments of step 'orders.pack': argument 2 of 2, a "
                        + Basket.class.getName() + " does not read back")
                .hasMessageContaining("field 'lines[1].note' (of " + HalfExposed.class.getName()
                        + ") reads back as null (written as a value)");
        assertThat(codec.writeArguments(new Object[] {"order-1", new Basket(List.of(new HalfExposed("a", 1)))},
                new Type[] {String.class, Basket.class}, "arguments")).as("nothing lost while the note is unset")
                .isEqualTo("[\"order-1\",{\"lines\":[{\"sku\":\"a\",\"quantity\":1,\"label\":null}]}]");
    }

    @Test
    void storesTypesThatLeaveFieldsOutOnPurposeAndCollectionsReadAsOtherClasses() {
        var deliberate = new Deliberate().touched();
        deliberate.sku = "a";

        assertThat(codec.write(deliberate, Deliberate.class, "result")).isEqualTo("{\"sku\":\"a\"}");
        assertThat(codec.write(List.of(new Item("a", 1)), ITEMS, "result")).isNotNull();
        assertThat(codec.write(Map.of("a", new Item("a", 1)), Map.class, "result")).as("read as maps, not items")
                .isNotNull();
        assertThat(codec.write(new java.math.BigDecimal("19.80"), java.math.BigDecimal.class, "result"))
                .isEqualTo("19.80");
        var paris = java.time.ZonedDateTime.parse("2026-03-02T10:15:00+01:00[Europe/Paris]");
        assertThat(codec.write(new Meeting(paris, paris.toOffsetDateTime()), Meeting.class, "result"))
                .as("read back in UTC, the same instant: nothing lost that Jackson keeps").isNotNull();
    }

    record Meeting(java.time.ZonedDateTime at, java.time.OffsetDateTime confirmed) {
    }

    @Test
    void keepsEveryDigitOfADecimalArgumentWhichATreeOfDoublesWouldTrim() {
        Type[] types = {java.math.BigDecimal.class, double.class};
        var json = codec.writeArguments(new Object[] {new java.math.BigDecimal("19.80"), 0.1}, types, "arguments");

        assertThat(codec.readArguments(json, types, "arguments"))
                .containsExactly(new java.math.BigDecimal("19.80"), 0.1); // equals: 19.8 would not do
        assertThat(codec.readField("{\"amount\":4.20}", "amount", java.math.BigDecimal.class, "signal"))
                .isEqualTo(new java.math.BigDecimal("4.20"));
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

    record Renamed(String code, int quantity) {
    }

    @Test
    void recordedJsonIsUnreadableForAReplayCheckWhenJacksonRefusesItOrAFieldDoesNotComeBack() {
        var lenient = new PayloadCodec(JsonMapper.builder()
                .disable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

        assertThat(lenient.unreadable("{\"sku\":\"tea\",\"quantity\":2}", Item.class)).isNull();
        assertThat(lenient.unreadable("{\"sku\":\"tea\",\"quantity\":2,\"note\":null}", Item.class))
                .as("a null recorded is nothing lost").isNull();
        assertThat(lenient.unreadable("{\"sku\":\"tea\",\"quantity\":2}", Renamed.class))
                .isEqualTo("recorded field 'sku' is not read by " + Renamed.class.getTypeName());
        assertThat(lenient.unreadable("[{\"sku\":\"tea\",\"quantity\":2}]",
                new tools.jackson.core.type.TypeReference<List<Renamed>>() { }.getType()))
                .startsWith("recorded field '[0].sku' is not read by ");
        assertThat(lenient.unreadable("\"tea\"", int.class)).contains("Cannot deserialize value of type `int`");
        assertThat(codec.elements("[{\"sku\":\"tea\"},19.80,null]")).containsExactly("{\"sku\":\"tea\"}", "19.80",
                "null");
    }
}
