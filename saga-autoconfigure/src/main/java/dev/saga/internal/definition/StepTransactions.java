package dev.saga.internal.definition;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.DefaultTransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttribute;

/**
 * Reads a step's or compensation's {@code @Transactional} as the transaction the engine opens for
 * it, so that its effect and its ledger record commit together; none when the method runs in a
 * transaction of its own (or none at all).
 */
final class StepTransactions {

    private final AnnotationTransactionAttributeSource attributes = new AnnotationTransactionAttributeSource(false);

    /** The definition to open, or {@code null} when the method does not join the engine's transaction. */
    @Nullable TransactionDefinition of(Method method, Class<?> userClass) {
        TransactionAttribute attribute = attributes.getTransactionAttribute(method, userClass);
        if (attribute == null) {
            return null;
        }
        return switch (attribute.getPropagationBehavior()) {
            case TransactionDefinition.PROPAGATION_REQUIRED, TransactionDefinition.PROPAGATION_SUPPORTS,
                    TransactionDefinition.PROPAGATION_MANDATORY, TransactionDefinition.PROPAGATION_NESTED -> {
                var definition = new DefaultTransactionAttribute(attribute);
                definition.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
                definition.setReadOnly(false); // the ledger record is written in this transaction too
                yield definition;
            }
            default -> null;
        };
    }
}
