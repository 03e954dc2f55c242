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
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;

/**
 * The engine's records as the public views: one saga, a page of them, a timeline, and for
 * operators the counts, the backlog and the definitions found at startup. Reads only.
 */
public final class SagaReadModel implements SagaOperations {

    /** The views' status of a signal wait or sleep that has not ended. */
    private static final String WAITING = "WAITING";

    private final SagaRegistry registry;
    private final InstanceQueries queries;
    private final StepStore steps;
    private final OutboxStore outbox;
    private final SagaClock clock;
    private final RetryPolicies policies;
    private final Map<String, Duration> defaultDeadlines;
    private final Duration stuckAfter;

    /**
     * @param stuckAfter how long an unclaimed saga may be due before the views call it stuck: the
     *     lease, as a live node claims due work at its next poll and well within a lease
     */
    public SagaReadModel(SagaRegistry registry, InstanceQueries queries, StepStore steps, OutboxStore outbox,
            SagaClock clock, RetryPolicies policies, Map<String, Duration> defaultDeadlines, Duration stuckAfter) {
        this.registry = registry;
        this.queries = queries;
        this.steps = steps;
        this.outbox = outbox;
        this.clock = clock;
        this.policies = policies;
        this.defaultDeadlines = Map.copyOf(defaultDeadlines);
        this.stuckAfter = stuckAfter;
    }

    /** The saga with its progress, for callers and operators. */
    Optional<SagaView> find(UUID sagaId) {
        return queries.find(sagaId, clock.now(), stuckAfter).map(this::withMaxAttempts);
    }

    /** The saga as it stands now, without its progress: for callers that wait for its end. */
    SagaView require(UUID sagaId) {
        return queries.findInstance(sagaId).map(InstanceRecord::saga).orElseThrow(() -> unknown(sagaId));
    }

    static UnknownSagaException unknown(UUID sagaId) {
        return new UnknownSagaException("No saga with id " + sagaId);
    }

    SagaPage list(SagaQuery query) {
        var page = queries.list(query, clock.now(), stuckAfter);
        return new SagaPage(page.sagas().stream().map(this::withMaxAttempts).toList(), page.page(), page.size(),
                page.total());
    }

    /**
     * The view with the attempts its pending step may make in all, from the policy in force on this
     * node (the one the next attempt uses, if this node makes it).
     */
    private SagaView withMaxAttempts(SagaView saga) {
        var progress = saga.progress();
        var pending = progress == null ? null : progress.pending();
        if (pending == null || WAITING.equals(pending.status())) {
            return saga;
        }
        var maxAttempts = registry.step(pending.name())
                .map(step -> policies.forStep(saga.name(), step).maxRetries() + 1).orElse(null);
        var counted = new SagaView.Pending(pending.seq(), pending.kind(), pending.name(), pending.status(),
                pending.since(), pending.until(), pending.attempts(), maxAttempts);
        return new SagaView(saga.id(), saga.name(), saga.version(), saga.businessKey(), saga.status(), saga.input(),
                saga.output(), saga.error(), saga.run(), saga.historySize(), saga.deadline(), saga.createdAt(),
                saga.updatedAt(), saga.finishedAt(), saga.traceId(), new SagaView.Progress(progress.claimedBy(), progress.dueAt(),
                        progress.recoveries(), progress.stuck(), counted));
    }

    List<SagaStepView> timeline(UUID sagaId) {
        require(sagaId);
        return steps.steps(sagaId).stream().map(SagaReadModel::view).toList();
    }

    private static SagaStepView view(StepRecord row) {
        var attempts = row.attempts().stream().map(a -> new SagaStepView.Attempt(a.attempt(), a.startedAt(),
                a.startedAt() == null || a.endedAt() == null ? null : Duration.between(a.startedAt(), a.endedAt()),
                a.error())).toList();
        return new SagaStepView(row.seq(), row.kind().name(), row.name(), status(row), row.compensates(),
                row.args(), row.result(), row.error(), attempts, row.startedAt(), row.finishedAt(), row.nextAttemptAt());
    }

    /**
     * The row's status as the views name it: the ledger keeps an open signal wait or sleep as
     * RETRYING (due at its end, like a retry), which the views call WAITING.
     */
    private static String status(StepRecord row) {
        boolean wait = row.kind() == StepKind.SIGNAL || row.kind() == StepKind.SLEEP;
        return wait && row.status() == StepStatus.RETRYING ? WAITING : row.status().name();
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
