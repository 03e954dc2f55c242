package dev.saga.internal.determinism;

import org.jspecify.annotations.Nullable;

/**
 * A call in saga code, or in a step, that breaks replay.
 *
 * @param className the class that makes the call (the user class, never a proxy)
 * @param method the method that makes it: the saga's entry method, one of the saga class's own
 *     methods that the entry method reaches (a private helper, a lambda's {@code lambda$run$0}),
 *     or a {@code @Step} method
 * @param reachedFrom how the entry method reaches {@code method} ({@code run -> validate}); empty
 *     when it is the entry method or a step
 * @param sourceFile the source file, when the class file names it
 * @param line the source line of the call, 0 when the class file has no line numbers
 * @param call what is called: {@code java.time.Instant.now()}, {@code new java.util.Random()}
 * @param why what is wrong with it, a clause that follows "it"
 * @param alternative what to do instead
 */
public record Finding(String className, String method, String reachedFrom, @Nullable String sourceFile, int line,
        String call, String why, String alternative) {

    /**
     * One sentence naming the place like a stack trace does, so that IDEs link it:
     * {@code com.example.OrderSaga.run (OrderSaga.java:42) calls java.time.Instant.now(): it reads
     * the clock, so every replay sees another time; use Sagas.now(), which is recorded}.
     */
    public String message() {
        var file = sourceFile == null ? "line " : sourceFile + ":";
        var where = line > 0 ? " (" + file + line + ")" : sourceFile == null ? "" : " (" + sourceFile + ")";
        var via = reachedFrom.isEmpty() ? "" : ", reached from " + reachedFrom + ",";
        return className + "." + method + where + via + " calls " + call + ": it " + why + "; " + alternative;
    }
}
