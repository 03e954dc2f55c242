package dev.saga.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import dev.saga.internal.retry.RetryLayer;

/**
 * Configuration of the saga engine, under {@code saga.*}.
 *
 * @param enabled Whether the saga engine is configured at all.
 * @param schema The PostgreSQL schema that holds the engine's tables; created and migrated at startup
 *     unless schema-initialization is none. A lower-case SQL identifier that is not a key word
 *     PostgreSQL reserves (such as user or order).
 * @param schemaInitialization Who creates and migrates the engine's tables: flyway (the engine, at
 *     startup, with its own history table in the schema), or none (you apply the engine's SQL scripts,
 *     for example with Liquibase or by a DBA). Either way startup fails if the tables are missing or
 *     older than the engine needs.
 * @param dispatcher How this node claims and runs sagas.
 * @param retry The retry policy of every step and compensation, unless a @Step sets its own.
 * @param sagas Settings per saga, by saga name: retry (the retry keys, for every step of the saga),
 *     steps (the retry keys per step, by step name or by full name in brackets) and deadline. They
 *     override @Step attributes. A saga or step name that the application does not declare, and a
 *     key that names no setting, fail startup.
 * @param maxRecoveryAttempts How often a saga may be taken over after its node stopped renewing the
 *     lease without recording an outcome (a run that may crash its node) before it is PARKED.
 * @param history How long one run's history may grow before the saga must continue as new.
 * @param retention How long finished sagas are kept before they are deleted.
 * @param health When the sagas health indicator turns OUT_OF_SERVICE or DOWN.
 * @param maxPayloadSize The largest payload stored, as UTF-8 JSON: a saga's input or output, a
 *     step's arguments or result, a signal's payload. A larger one is refused where it is given.
 * @param determinismCheck What startup does about calls in saga code that break replay (the clock,
 *     randomness, Thread.sleep, I/O, JDBC) and about a @Step that calls another @Step of its bean on
 *     this: warn logs each one, fail refuses to start and lists them all, off does not look.
 */
@ConfigurationProperties(prefix = "saga", ignoreUnknownFields = false)
public record SagaProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("saga") String schema,
        @DefaultValue("flyway") SchemaInitialization schemaInitialization,
        @DefaultValue Dispatcher dispatcher,
        @DefaultValue Retry retry,
        Map<String, SagaSettings> sagas,
        @DefaultValue("3") int maxRecoveryAttempts,
        @DefaultValue History history,
        @DefaultValue Retention retention,
        @DefaultValue Health health,
        @DefaultValue("1MB") DataSize maxPayloadSize,
        @DefaultValue("warn") DeterminismCheck determinismCheck) {

    public SagaProperties {
        sagas = sagas == null ? Map.of() : Map.copyOf(sagas);
        if (maxPayloadSize.toBytes() < 1) {
            throw new IllegalArgumentException("saga.max-payload-size must be positive: " + maxPayloadSize);
        }
    }

    /** Who creates and migrates the engine's tables. */
    public enum SchemaInitialization {

        /** The engine migrates its tables with Flyway at startup. */
        FLYWAY,

        /** The engine leaves its tables to you, and checks their version at startup. */
        NONE
    }

    /** What startup does about calls that break replay. */
    public enum DeterminismCheck {

        /** Each call found is logged as a warning; the application starts. */
        WARN,

        /** The application does not start; the failure report lists every call found. */
        FAIL,

        /** The byte code is not checked. */
        OFF
    }

    /**
     * How this node claims and runs sagas.
     *
     * @param enabled Whether this node runs sagas; when false it can still start and query them.
     * @param nodeId This node's name in claims and logs; defaults to the host name and a random suffix.
     * @param workerThreads How many sagas run at once on this node; also how many threads run step
     *     attempts that have a timeout.
     * @param pollInterval How often the database is asked for due work when nothing wakes the
     *     dispatcher sooner (sagas started on this node run at once after their commit).
     * @param lease How long a claim on a saga lasts; running sagas renew it, and a crashed node's
     *     sagas are taken over by another node once it ran out.
     * @param maxInlineWait A retry due sooner than this keeps its worker thread and waits; a longer
     *     one suspends the saga and frees the thread.
     * @param shutdownTimeout How long shutdown waits for running sagas before leaving them to their
     *     leases.
     */
    public record Dispatcher(
            @DefaultValue("true") boolean enabled,
            String nodeId,
            @DefaultValue("8") int workerThreads,
            @DefaultValue("1s") Duration pollInterval,
            @DefaultValue("30s") Duration lease,
            @DefaultValue("200ms") Duration maxInlineWait,
            @DefaultValue("10s") Duration shutdownTimeout) {
    }

    /**
     * The default retry policy (Spring's retry vocabulary). A failed attempt is recorded and the
     * next one is due after {@code delay * multiplier^(retry - 1)}, at most {@code max-delay}, give
     * or take {@code jitter}.
     *
     * @param maxRetries Retries after the first failed attempt; 0 fails a step at its first failure.
     * @param delay The delay before the first retry.
     * @param multiplier The factor applied to the delay after each retry; 1 keeps it fixed.
     * @param maxDelay The longest delay between two attempts.
     * @param jitter Up to this much is added to or taken from each delay at random, so that many
     *     sagas failing together do not retry together.
     * @param includes Exception types (class names) that are retried, with their subclasses and when
     *     found as a cause; empty retries every exception that is not excluded.
     * @param excludes Exception types (class names) that fail a step at once, without retry.
     * @param timeout Longest time one attempt of a step may take; it then fails with
     *     StepTimeoutException and is retried per policy. 0 means no limit.
     */
    public record Retry(
            @DefaultValue("3") int maxRetries,
            @DefaultValue("1s") Duration delay,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("1m") Duration maxDelay,
            @DefaultValue("100ms") Duration jitter,
            List<Class<? extends Throwable>> includes,
            List<Class<? extends Throwable>> excludes,
            @DefaultValue("0s") Duration timeout) {

        public Retry {
            includes = includes == null ? List.of() : List.copyOf(includes);
            excludes = excludes == null ? List.of() : List.copyOf(excludes);
        }
    }

    /**
     * Settings of one saga.
     *
     * @param retry Retry settings for every step this saga calls; unset keys keep the lower layers.
     * @param steps Retry settings for single steps of this saga, by step name (charge) or, where
     *     that is ambiguous, full name in brackets ("[paymentService.charge]").
     * @param deadline How long a saga of this name may take from its start before it is cancelled,
     *     unless its start gives its own; none when unset.
     */
    public record SagaSettings(RetryLayer retry, Map<String, RetryLayer> steps, Duration deadline) {

        public SagaSettings {
            if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
                throw new IllegalArgumentException("saga.sagas.<saga>.deadline must be positive, but one is "
                        + deadline);
            }
        }
    }

    /**
     * How long finished sagas are kept, per outcome, before a scheduled job deletes them with their
     * ledger and signals. An outcome without a value is kept for ever.
     *
     * @param completed How long COMPLETED sagas are kept.
     * @param compensated How long COMPENSATED sagas are kept.
     * @param cancelled How long CANCELLED sagas are kept.
     * @param failed How long FAILED sagas are kept; unset keeps them for an operator.
     * @param parked How long PARKED sagas are kept; unset keeps them for an operator.
     * @param batchSize Sagas deleted per statement.
     * @param interval How often the job runs.
     */
    public record Retention(
            @DefaultValue("7d") Duration completed,
            @DefaultValue("30d") Duration compensated,
            @DefaultValue("30d") Duration cancelled,
            Duration failed,
            Duration parked,
            @DefaultValue("1000") int batchSize,
            @DefaultValue("1h") Duration interval) {

        public Retention {
            for (var kept : new Duration[] {completed, compensated, cancelled, failed, parked}) {
                if (kept != null && kept.isNegative()) {
                    throw new IllegalArgumentException("saga.retention.* durations must not be negative: " + kept);
                }
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("saga.retention.batch-size must be at least 1: " + batchSize);
            }
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("saga.retention.interval must be positive: " + interval);
            }
        }
    }

    /**
     * Thresholds of the {@code sagas} health indicator (it is DOWN anyway while this node's
     * dispatcher is stopped or not polling).
     *
     * @param maxBacklog Due sagas no node has claimed above which this node is OUT_OF_SERVICE; 0 for
     *     no limit.
     * @param maxOldestDueAge How long the oldest due saga may wait for a node before this node is
     *     DOWN; 0 for no limit.
     */
    public record Health(@DefaultValue("0") long maxBacklog, @DefaultValue("0s") Duration maxOldestDueAge) {

        public Health {
            if (maxBacklog < 0 || maxOldestDueAge.isNegative()) {
                throw new IllegalArgumentException("saga.health.max-backlog and saga.health.max-oldest-due-age must"
                        + " not be negative");
            }
        }
    }

    /**
     * Bounds on the history one run of a saga records (steps, waits, timers, primitives).
     *
     * @param warnEntries Entries after which a warning is logged that points to continueAsNew.
     * @param maxEntries Entries after which the next call fails the saga with
     *     SagaHistoryLimitException; long-lived sagas call Sagas.continueAsNew(...) before.
     */
    public record History(@DefaultValue("1000") int warnEntries, @DefaultValue("10000") int maxEntries) {

        public History {
            if (maxEntries < 1 || warnEntries < 1 || warnEntries > maxEntries) {
                throw new IllegalArgumentException("saga.history.warn-entries and saga.history.max-entries must"
                        + " satisfy 1 <= warn-entries <= max-entries, but are " + warnEntries + " and " + maxEntries);
            }
        }
    }
}
