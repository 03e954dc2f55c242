package dev.saga.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a missing or outdated saga schema as Boot's failure report, with what to apply. */
class SagaSchemaFailureAnalyzer extends AbstractFailureAnalyzer<SagaSchemaException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SagaSchemaException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
