package dev.saga;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The sagas and steps an application declares, as found at startup.
 *
 * @param sagas every saga and version
 * @param steps every step with its compensation and effective retry policies
 */
public record SagaDefinitionView(List<SagaInfo> sagas, List<StepInfo> steps) {

    /**
     * A saga.
     *
     * @param name its name
     * @param version its version
     * @param entryMethod {@code Class.method(InputType)}
     * @param deadline its configured default deadline, or {@code null}
     */
    public record SagaInfo(String name, int version, String entryMethod, @Nullable Duration deadline) {
    }

    /**
     * A step.
     *
     * @param name its ledger name, {@code bean.step}
     * @param method {@code Class.method(Types)}
     * @param kind COMPENSATABLE, PIVOT or RETRIABLE
     * @param compensation the compensating method, or {@code null}
     * @param transactional whether its effect commits with its ledger record (exactly once)
     * @param retry the effective retry policy per saga name, after every configuration layer
     */
    public record StepInfo(String name, String method, String kind, @Nullable String compensation,
            boolean transactional,
            Map<String, RetryInfo> retry) {
    }

    /** An effective retry policy, in Spring's retry vocabulary. */
    public record RetryInfo(int maxRetries, Duration delay, double multiplier, Duration maxDelay, Duration jitter,
            List<String> includes, List<String> excludes, Duration timeout) {
    }
}
