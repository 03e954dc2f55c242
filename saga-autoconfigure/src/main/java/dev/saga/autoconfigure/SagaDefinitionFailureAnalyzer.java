package dev.saga.autoconfigure;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.saga.SagaDefinitionException;

/**
 * Prints the problems with the saga, step and compensation declarations (and, with
 * {@code saga.determinism-check=fail}, the calls that break replay) as Boot's failure report
 * ("APPLICATION FAILED TO START"), each once, instead of a stack trace.
 */
class SagaDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<SagaDefinitionException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SagaDefinitionException cause) {
        var problems = cause.problems();
        var description = problems.stream().map(problem -> "    - " + problem).collect(Collectors.joining("\n",
                "The sagas, steps or compensations are declared wrongly (" + problems.size() + " problem"
                        + (problems.size() == 1 ? "" : "s") + "):\n", ""));
        return new FailureAnalysis(description, "Fix each declaration or call named above. The rules, with an example"
                + " of each, are in the programming model (docs/programming-model.md); calls that break replay, and"
                + " saga.determinism-check, under \"Determinism\".", cause);
    }
}
