package dev.saga.internal.ledger;

import java.lang.reflect.Constructor;
import java.util.Map;

/** How failures are written to the ledger ({@code type: message}) and brought back on replay. */
public final class ErrorText {

    private static final int MAX_LENGTH = 4000;
    /** What a U+0000 in a message is written as: its escape, six characters (PostgreSQL's text refuses it). */
    private static final String NUL_REPLACEMENT = "\\u0000";
    /** Types that were renamed or moved, as older ledger rows name them: their replay still catches. */
    private static final Map<String, String> RENAMED = Map.of(
            "dev.saga.internal.codec.PayloadException", "dev.saga.SagaPayloadException");

    private ErrorText() {
    }

    /**
     * The failure as the ledger keeps it: its type and message, cut at 4000 characters, with every
     * U+0000 written as its escape (a backslash, {@code u} and four zeros), which PostgreSQL's text
     * columns can hold, so that a step failing with such a message fails by its retry policy.
     */
    public static String of(Throwable error) {
        var text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        if (text.indexOf('\0') >= 0) {
            text = text.replace("\0", NUL_REPLACEMENT);
        }
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "…";
    }

    /**
     * The recorded failure as an exception of its recorded type where that type can be made from a
     * message, so saga code that caught it on the first run catches it on replay too; otherwise
     * an {@link IllegalStateException} carrying the recorded text.
     */
    public static RuntimeException recreate(String recorded, ClassLoader classLoader) {
        int colon = recorded.indexOf(": ");
        String written = colon < 0 ? recorded : recorded.substring(0, colon);
        String type = RENAMED.getOrDefault(written, written);
        String message = colon < 0 ? null : recorded.substring(colon + 2);
        try {
            Class<?> errorClass = Class.forName(type, false, classLoader);
            if (RuntimeException.class.isAssignableFrom(errorClass)) {
                Constructor<?> constructor = errorClass.getConstructor(String.class);
                return (RuntimeException) constructor.newInstance(message);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // fall through: the type cannot be rebuilt from its message
        }
        return new IllegalStateException("Recorded failure: " + recorded);
    }
}
