package dev.saga.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.saga.SagaPayloadException;

class ErrorTextTests {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void recreatesARecordedFailureAsItsOwnType() {
        var recorded = ErrorText.of(new IllegalArgumentException("no such sku"));

        assertThat(ErrorText.recreate(recorded, loader)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("no such sku");
    }

    @Test
    void recreatesAPayloadFailureRecordedBeforeItsTypeBecamePublicAsThePublicType() {
        var recreated = ErrorText.recreate("dev.saga.internal.codec.PayloadException: result of step 'a.b' is too large",
                loader);

        assertThat(recreated).isExactlyInstanceOf(SagaPayloadException.class)
                .hasMessage("result of step 'a.b' is too large");
    }

    @Test
    void recreatesATypeThatCannotBeBuiltFromAMessageAsAnIllegalStateCarryingTheText() {
        assertThat(ErrorText.recreate("com.example.Gone: it moved", loader))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("Recorded failure: com.example.Gone: it moved");
    }

    @Test
    void writesANulCharacterAsItsEscapeSoPostgresCanStoreIt() {
        assertThat(ErrorText.of(new IllegalStateException("a\0b")))
                .isEqualTo("java.lang.IllegalStateException: a\\u0000b");
    }
}
