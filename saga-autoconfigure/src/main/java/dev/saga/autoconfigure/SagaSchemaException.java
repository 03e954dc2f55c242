package dev.saga.autoconfigure;

/**
 * The engine's tables are missing or older than this engine needs: what was found, and what to
 * do. Boot's failure report prints both ({@link SagaSchemaFailureAnalyzer}).
 */
final class SagaSchemaException extends RuntimeException {

    private final String action;

    SagaSchemaException(String description, String action) {
        super(description);
        this.action = action;
    }

    String action() {
        return action;
    }
}
