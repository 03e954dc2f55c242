package dev.saga.internal.ledger;

import java.lang.reflect.Constructor;

/** How failures are written to the ledger ({@code type: message}) and brought back on replay. */
public final class ErrorText {

    private static final int MAX_LENGTH = 4000;

    private ErrorText() {
    }

    public static String of(Throwable error) {
        var text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH) + "…";
    }

    /**
     * The recorded failure as an exception of its recorded type where that type can be made from a
     * message, so saga code that caught it on the first run catches it on replay too; otherwise
     * an {@link IllegalStateException} carrying the recorded text.
     */
    public static RuntimeException recreate(String recorded, ClassLoader classLoader) {
        int colon = recorded.indexOf(": ");
        String type = colon < 0 ? recorded : recorded.substring(0, colon);
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
