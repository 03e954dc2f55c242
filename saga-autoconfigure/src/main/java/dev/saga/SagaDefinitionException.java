package dev.saga;

import java.util.List;

/** Thrown at startup when sagas, steps or compensations are declared wrongly; lists every problem. */
public class SagaDefinitionException extends SagaException {

    private final List<String> problems;

    public SagaDefinitionException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem found, one sentence naming the class and method. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        var text = new StringBuilder("Saga definitions are invalid (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):");
        problems.forEach(problem -> text.append("\n - ").append(problem));
        return text.toString();
    }
}
