package dev.saga.internal.client;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.ReplayResult;
import dev.saga.SagaBacklog;
import dev.saga.SagaDefinitionView;
import dev.saga.SagaOperations;
import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaView;
import dev.saga.UnknownSagaException;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.ledger.HistoryDocument;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.SagaHistory;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;

/**
 * The engine's records as the public views: one saga, a page of them, a timeline, and for
 * operators the counts, the backlog, the definitions found at startup, and a saga's history as a
 * document, replayed against today's code by the {@link HistoryReplay} it is given. Reads only.
 */
public final class SagaReadModel implements SagaOperations {

    private final SagaRegistry registry;
    private final InstanceQueries queries;
    private final StepStore steps;
    private final OutboxStore outbox;
    private final SagaClock clock;
    private final RetryPolicies policies;
    private final Map<String, Duration> defaultDeadlines;
    private final Duration stuckAfter;
    private final HistoryReplay replay;
    private final TransactionTemplate snapshot;

    /**
     * @param stuckAfter how long an unclaimed saga may be due before the views call it stuck: the
     *     lease, as a live node claims due work at its next poll and well within a lease
     * @param replay replays a history against today's code (the engine's replay check)
     * @param transactionManager for reading a saga's history in one snapshot
     */
    public SagaReadModel(SagaRegistry registry, InstanceQueries queries, StepStore steps, OutboxStore outbox,
            SagaClock clock, RetryPolicies policies, Map<String, Duration> defaultDeadlines, Duration stuckAfter,
            HistoryReplay replay, PlatformTransactionManager transactionManager) {
        this.registry = registry;
        this.queries = queries;
        this.steps = steps;
        this.outbox = outbox;
        this.clock = clock;
        this.policies = policies;
        this.defaultDeadlines = Map.copyOf(defaultDeadlines);
        this.stuckAfter = stuckAfter;
        this.replay = replay;
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setReadOnly(true);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** The saga with its progress, for callers and operators. */
    Optional<SagaView> find(UUID sagaId) {
        return queries.find(sagaId, triage());
    }

    /** The saga as it stands now, without its progress: for callers that wait for its end. */
    SagaView require(UUID sagaId) {
        return queries.findInstance(sagaId).map(InstanceRecord::saga).orElseThrow(() -> unknown(sagaId));
    }

    static UnknownSagaException unknown(UUID sagaId) {
        return new UnknownSagaException("No saga with id " + sagaId);
    }

    SagaPage list(SagaQuery query) {
        return queries.list(query, triage());
    }

    /**
     * How the views judge progress now: stuck after {@code stuckAfter}, and a pending step's
     * attempts counted against the policy in force on this node (the one its next attempt uses,
     * if this node makes it).
     */
    private InstanceQueries.Triage triage() {
        return new InstanceQueries.Triage(clock.now(), stuckAfter, (saga, step) -> registry.step(step)
                .map(definition -> policies.forStep(saga, definition).maxRetries() + 1).orElse(null));
    }

    List<SagaStepView> timeline(UUID sagaId) {
        require(sagaId);
        return steps.steps(sagaId).stream().map(SagaReadModel::view).toList();
    }

    private static SagaStepView view(StepRecord row) {
        var attempts = row.attempts().stream().map(a -> new SagaStepView.Attempt(a.attempt(), a.startedAt(),
                a.startedAt() == null || a.endedAt() == null ? null : Duration.between(a.startedAt(), a.endedAt()),
                a.error())).toList();
        return new SagaStepView(row.seq(), row.kind().name(), row.name(), row.status().viewName(row.kind()),
                row.compensates(), row.args(), row.result(), row.error(), attempts, row.startedAt(), row.finishedAt(),
                row.nextAttemptAt());
    }

    @Override
    public Map<String, Map<SagaStatus, Long>> countByNameAndStatus() {
        return queries.countByNameAndStatus();
    }

    @Override
    public SagaBacklog backlog() {
        var now = clock.now();
        var due = outbox.backlog(now);
        var age = due.oldestDueAt() == null ? Duration.ZERO : Duration.between(due.oldestDueAt(), now);
        return new SagaBacklog(due.due(), age.isNegative() ? Duration.ZERO : age, queries.countNeedingOperator());
    }

    @Override
    public SagaDefinitionView definitions() {
        var sagas = registry.allVersions().stream()
                .map(saga -> new SagaDefinitionView.SagaInfo(saga.name(), saga.version(), describe(saga.entryMethod()),
                        defaultDeadlines.get(saga.name())))
                .toList();
        var steps = registry.steps().stream().sorted(Comparator.comparing(StepDefinition::name))
                .map(this::info).toList();
        return new SagaDefinitionView(sagas, steps);
    }

    private SagaDefinitionView.StepInfo info(StepDefinition step) {
        var retry = new TreeMap<String, SagaDefinitionView.RetryInfo>();
        registry.sagas().forEach(saga -> retry.put(saga.name(), info(policies.forStep(saga.name(), step))));
        return new SagaDefinitionView.StepInfo(step.name(), describe(step.method()),
                step.pivot() ? "PIVOT" : step.compensable() ? "COMPENSATABLE" : "RETRIABLE",
                step.compensation() == null ? null : describe(step.compensation()), step.transactional(), retry);
    }

    @Override
    public String exportHistory(UUID sagaId) {
        return HistoryDocument.write(history(sagaId).orElseThrow(() -> unknown(sagaId)));
    }

    @Override
    public ReplayResult replayHistory(String source, String historyJson) {
        return replay.replay(source, HistoryDocument.read(source, historyJson));
    }

    @Override
    public List<ReplayResult> replayUnfinished() {
        return queries.idsOfReplayingSagas().stream()
                .flatMap(id -> history(id).stream()) // a saga deleted meanwhile has nothing to check
                .map(history -> replay.replay("database", history))
                .toList();
    }

    /**
     * The saga's instance and its ledger in one snapshot (a read-only, repeatable-read
     * transaction), so that a saga running now is not read half before and half after its next
     * step or continue-as-new.
     */
    private Optional<SagaHistory> history(UUID sagaId) {
        return snapshot.execute(status -> queries.findInstance(sagaId)
                .map(instance -> SagaHistory.of(instance, steps.steps(sagaId))));
    }

    private static SagaDefinitionView.RetryInfo info(RetryPolicy policy) {
        return new SagaDefinitionView.RetryInfo(policy.maxRetries(), policy.delay(), policy.multiplier(),
                policy.maxDelay(), policy.jitter(), policy.includes().stream().map(Class::getName).toList(),
                policy.excludes().stream().map(Class::getName).toList(), policy.timeout());
    }

    private static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }
}
