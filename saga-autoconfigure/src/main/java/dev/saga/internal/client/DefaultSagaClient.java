package dev.saga.internal.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.ClassUtils;

import dev.saga.SagaBacklog;
import dev.saga.SagaClient;
import dev.saga.SagaDefinitionView;
import dev.saga.SagaFailedException;
import dev.saga.SagaPage;
import dev.saga.SagaQuery;
import dev.saga.SagaStatus;
import dev.saga.SagaStepView;
import dev.saga.SagaTimeoutException;
import dev.saga.SagaView;
import dev.saga.SignalResult;
import dev.saga.StartOptions;
import dev.saga.UnknownSagaException;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.LedgerStore;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.node.LocalCompletions;
import dev.saga.internal.node.LocalNode;
import dev.saga.internal.node.ReservedWorker;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;

/**
 * Starts, signals and cancels sagas as a transactional outbox: the rows are written in the
 * caller's transaction (or a new one), and this node's dispatcher is woken after the commit.
 */
public final class DefaultSagaClient implements SagaClient {

    /** How often {@code awaitResult} reads the saga while a worker of this node runs it. */
    private static final long READ_WHILE_RUNNING_HERE_MS = 1000;

    private final SagaRegistry registry;
    private final LedgerStore ledger;
    private final SignalStore signals;
    private final OutboxStore outbox;
    private final PayloadCodec codec;
    private final TransactionTemplate transaction;
    private final LocalNode workListener;
    private final SagaClock clock;
    private final Map<String, Duration> defaultDeadlines;
    private final RetryPolicies policies;
    private final SagaEvents events;
    private final LocalCompletions completions;

    public DefaultSagaClient(SagaRegistry registry, LedgerStore ledger, SignalStore signals, OutboxStore outbox,
            PayloadCodec codec, PlatformTransactionManager transactionManager, LocalNode workListener,
            SagaClock clock, Map<String, Duration> defaultDeadlines, RetryPolicies policies, SagaEvents events,
            LocalCompletions completions) {
        this.completions = completions;
        this.policies = policies;
        this.events = events;
        this.registry = registry;
        this.ledger = ledger;
        this.signals = signals;
        this.outbox = outbox;
        this.codec = codec;
        this.transaction = new TransactionTemplate(transactionManager);
        this.workListener = workListener;
        this.clock = clock;
        this.defaultDeadlines = Map.copyOf(defaultDeadlines);
    }

    @Override
    public UUID start(String sagaName, Object input, StartOptions options) {
        var saga = registry.saga(sagaName).orElseThrow(() -> new UnknownSagaException("No saga named '" + sagaName
                + "'; known sagas: " + registry.sagas().stream().map(SagaDefinition::name).sorted().toList()));
        return start(saga, input, options);
    }

    @Override
    public UUID start(Class<?> sagaClass, Object input, StartOptions options) {
        var saga = registry.saga(ClassUtils.getUserClass(sagaClass)).orElseThrow(() -> new UnknownSagaException(
                sagaClass.getName() + " is not a @Saga bean of this application"));
        return start(saga, input, options);
    }

    private UUID start(SagaDefinition saga, Object input, StartOptions options) {
        var effective = options == null ? StartOptions.defaults() : options;
        var inputJson = codec.write(checkedInput(saga, input), saga.takesInput() ? saga.inputType() : Object.class,
                "input of saga '" + saga.name() + "'");
        var within = effective.deadline() != null ? effective.deadline() : defaultDeadlines.get(saga.name());
        var id = UUID.randomUUID();
        var now = clock.now();
        var deadline = within == null ? null : now.plus(within);
        // a saga due now is written claimed by a free worker of this node, which runs it after the commit
        var worker = effective.startDelay().isZero() ? workListener.reserveWorker(id).orElse(null) : null;
        boolean inserted = false;
        try {
            inserted = insert(id, saga, effective, inputJson, deadline, now, worker);
        } finally {
            if (!inserted && worker != null) {
                worker.release(); // failed, or the business key was taken: nothing for it to run
            }
        }
        if (!inserted) {
            return ledger.findIdByBusinessKey(saga.name(), effective.businessKey()).orElseThrow();
        }
        var started = new InstanceRecord(id, saga.name(), saga.version(), effective.businessKey(), SagaStatus.RUNNING,
                inputJson, null, null, Claim.FIRST_FENCING, null, deadline, 1, 0, now, now, null);
        // one statement, so without a caller's transaction it has committed here already; in a transaction
        // whose outcome is unknown the worker runs too: it confirms the saga exists before it runs anything
        afterCommit(() -> {
            events.sagaStarted(saga.name());
            if (worker != null) {
                worker.run(started);
            } else if (effective.startDelay().isZero()) {
                workListener.workAdded();
            }
        }, worker == null ? null : worker::release);
        return id;
    }

    /**
     * Writes the saga and its work. Without a caller's transaction the statement commits on its
     * own; when that commit is in doubt (the connection broke), the same statement is sent once
     * more: it is idempotent by the saga's id, so afterwards the saga exists exactly once.
     *
     * @return false if the business key was taken
     */
    private boolean insert(UUID id, SagaDefinition saga, StartOptions options, String inputJson, Instant deadline,
            Instant now, ReservedWorker worker) {
        java.util.function.BooleanSupplier write = () -> ledger.insertInstance(id, saga.name(), saga.version(),
                options.businessKey(), inputJson, deadline, now,
                worker == null ? now.plus(options.startDelay()) : worker.leaseEnd(),
                worker == null ? null : worker.nodeId(), worker == null ? 0 : Claim.FIRST_FENCING);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return write.getAsBoolean(); // the caller's commit decides, and the caller learns how it went
        }
        try {
            return write.getAsBoolean();
        } catch (org.springframework.dao.DataAccessException failure) {
            if (EffectTransaction.answeredByTheDatabase(failure)) {
                throw failure; // refused by the database: nothing was written
            }
            var inDoubt = failure;
            try {
                return write.getAsBoolean() || ledger.findInstance(id).isPresent();
            } catch (RuntimeException again) {
                inDoubt.addSuppressed(again);
                throw inDoubt;
            }
        }
    }

    @Override
    public SignalResult signal(UUID sagaId, String signalName, Object payload) {
        if (signalName == null || signalName.isBlank()) {
            throw new IllegalArgumentException("signalName must not be blank");
        }
        SqlSupport.storableText(signalName, "signalName");
        var payloadJson = codec.write(payload, "payload of signal '" + signalName + "'");
        // refused before joining the caller's transaction, so a caught refusal does not roll it back
        requireInstance(sagaId);
        return transaction.execute(status -> {
            // the instance first, then the outbox (the engine's lock order); a running saga's outbox row is not
            // touched, so a caller that keeps this transaction open cannot stall the lease renewals of its node
            if (ledger.countWakeUp(sagaId).isEmpty()) {
                return SignalResult.SAGA_FINISHED; // finished (or finishing right now): nothing will read it
            }
            signals.add(sagaId, signalName, payloadJson, clock.now());
            outbox.wake(sagaId, clock.now());
            wakeAfterCommit();
            return SignalResult.DELIVERED;
        });
    }

    @Override
    public SignalResult signal(String sagaName, String businessKey, String signalName, Object payload) {
        SqlSupport.storableText(sagaName, "sagaName");
        SqlSupport.storableText(businessKey, "businessKey");
        var id = ledger.findIdByBusinessKey(sagaName, businessKey).orElseThrow(() -> new UnknownSagaException(
                "No saga '" + sagaName + "' with business key '" + businessKey + "'"));
        return signal(id, signalName, payload);
    }

    @Override
    public void cancel(UUID sagaId, String reason) {
        SqlSupport.storableText(reason, "reason");
        var why = reason == null || reason.isBlank() ? "cancelled by a client" : reason;
        // refused before joining the caller's transaction, so a caught refusal does not roll it back
        refuseCancel(sagaId, requireInstance(sagaId).status());
        transaction.executeWithoutResult(status -> {
            if (!ledger.requestCancel(sagaId, why)) {
                // not RUNNING (any more): compensating already (nothing to do), or finished meanwhile
                refuseCancel(sagaId, requireInstance(sagaId).status());
                return;
            }
            // the outbox only with the instance locked (the engine's lock order): a claim in progress then
            // either skips the saga or has committed before this reads the outbox row, so this update never
            // waits for it and keeps no lock on the row of a claimed saga (see signal)
            outbox.wake(sagaId, clock.now());
            wakeAfterCommit();
        });
    }

    /**
     * Only a RUNNING or COMPENSATING saga can be cancelled. A FAILED or PARKED one waits for an
     * operator and keeps receiving signals (a retry may read them), but cancel does not apply to it.
     */
    private static void refuseCancel(UUID sagaId, SagaStatus status) {
        if (status == SagaStatus.FAILED || status == SagaStatus.PARKED) {
            throw new IllegalStateException("Saga " + sagaId + " is " + status + " and waits for an operator; cancel"
                    + " applies to running sagas only. Retry it (it resumes where it stopped), or leave it");
        }
        if (status.isTerminal()) {
            throw new IllegalStateException("Saga " + sagaId + " has finished (" + status + "); there is nothing to"
                    + " cancel");
        }
    }

    @Override
    public void retry(UUID sagaId) {
        transaction.executeWithoutResult(status -> {
            ledger.prepareRetry(sagaId, clock.now()).orElseThrow(() -> unknown(sagaId));
            outbox.add(sagaId, clock.now());
            wakeAfterCommit();
        });
    }

    @Override
    public SagaPage list(SagaQuery query) {
        return ledger.list(query);
    }

    @Override
    public Map<String, Map<SagaStatus, Long>> countByNameAndStatus() {
        return ledger.countByNameAndStatus();
    }

    @Override
    public List<SagaStepView> timeline(UUID sagaId) {
        requireInstance(sagaId);
        return ledger.steps(sagaId).stream().map(DefaultSagaClient::view).toList();
    }

    private static SagaStepView view(StepRecord row) {
        var attempts = row.attempts().stream().map(a -> new SagaStepView.Attempt(a.attempt(), a.startedAt(),
                a.startedAt() == null || a.endedAt() == null ? null : Duration.between(a.startedAt(), a.endedAt()),
                a.error())).toList();
        return new SagaStepView(row.seq(), row.kind().name(), row.name(), row.status().name(), row.compensates(),
                row.args(), row.result(), row.error(), attempts, row.startedAt(), row.finishedAt(), row.nextAttemptAt());
    }

    @Override
    public SagaBacklog backlog() {
        var now = clock.now();
        var due = outbox.backlog(now);
        var age = due.oldestDueAt() == null ? Duration.ZERO : Duration.between(due.oldestDueAt(), now);
        return new SagaBacklog(due.due(), age.isNegative() ? Duration.ZERO : age, ledger.countNeedingOperator());
    }

    @Override
    public SagaDefinitionView definitions() {
        var sagas = registry.allVersions().stream()
                .map(saga -> new SagaDefinitionView.SagaInfo(saga.name(), saga.version(), describe(saga.entryMethod()),
                        defaultDeadlines.get(saga.name())))
                .toList();
        var steps = registry.steps().stream().sorted(java.util.Comparator.comparing(StepDefinition::name))
                .map(step -> {
                    var retry = new java.util.TreeMap<String, SagaDefinitionView.RetryInfo>();
                    registry.sagas().forEach(saga -> retry.put(saga.name(), info(policies.forStep(saga.name(), step))));
                    return new SagaDefinitionView.StepInfo(step.name(), describe(step.method()),
                            step.pivot() ? "PIVOT" : step.compensable() ? "COMPENSATABLE" : "RETRIABLE",
                            step.compensation() == null ? null : describe(step.compensation()), step.transactional(),
                            retry);
                }).toList();
        return new SagaDefinitionView(sagas, steps);
    }

    private static SagaDefinitionView.RetryInfo info(RetryPolicy policy) {
        return new SagaDefinitionView.RetryInfo(policy.maxRetries(), policy.delay(), policy.multiplier(),
                policy.maxDelay(), policy.jitter(), policy.includes().stream().map(Class::getName).toList(),
                policy.excludes().stream().map(Class::getName).toList(), policy.timeout());
    }

    private static String describe(java.lang.reflect.Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "("
                + java.util.Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                        .collect(java.util.stream.Collectors.joining(", ")) + ")";
    }

    private InstanceRecord requireInstance(UUID sagaId) {
        return ledger.findInstance(sagaId).orElseThrow(() -> unknown(sagaId));
    }

    private static UnknownSagaException unknown(UUID sagaId) {
        return new UnknownSagaException("No saga with id " + sagaId);
    }

    private void wakeAfterCommit() {
        afterCommit(workListener::workAdded, null);
    }

    /**
     * Runs the action once the caller's transaction commits (at once when there is none), or the
     * other one, when not null, if it rolls back. When the outcome is unknown (the commit failed
     * in doubt), the action runs if there is a rollback action too (a held worker, which confirms
     * in the database that the saga exists before it runs), else nothing does.
     */
    private static void afterCommit(Runnable action, Runnable onRollback) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            action.run();
            return;
        }
        // afterCompletion, not afterCommit: Spring stops calling afterCommit at the first synchronization that
        // throws, while every afterCompletion is called (and its exception logged), so a neighbour that throws
        // cannot leave a held worker neither run nor given back
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_ROLLED_BACK) {
                    if (onRollback != null) {
                        onRollback.run();
                    }
                } else if (status == STATUS_COMMITTED || onRollback != null) {
                    action.run(); // committed, or unknown with a worker that checks whether the saga exists
                }
            }
        });
    }

    private static Object checkedInput(SagaDefinition saga, Object input) {
        if (!saga.takesInput()) {
            if (input != null) {
                throw new IllegalArgumentException("Saga '" + saga.name() + "' takes no input (" + saga.location()
                        + "), but was given a " + input.getClass().getName());
            }
            return null;
        }
        Class<?> expected = ClassUtils.resolvePrimitiveIfNecessary(saga.entryMethod().getParameterTypes()[0]);
        if (input != null && !expected.isInstance(input)) {
            throw new IllegalArgumentException("Saga '" + saga.name() + "' takes a " + expected.getName() + " ("
                    + saga.location() + "), but was given a " + input.getClass().getName());
        }
        return input;
    }

    @Override
    public Optional<SagaView> find(UUID sagaId) {
        return ledger.findInstance(sagaId).map(instance -> instance.toView());
    }

    @Override
    public <T> T awaitResult(UUID sagaId, Class<T> resultType, Duration timeout) {
        var deadline = Instant.now().plus(timeout);
        var watch = completions.watch(sagaId);
        try {
            long pause = 5;
            while (true) {
                LocalCompletions.Finished outcome;
                if ((watch.isDone() || workListener.runsHere(sagaId)) && Instant.now().isBefore(deadline)) {
                    // running on this node: its worker tells when the run ends; but that run may have been
                    // fenced off (a deadline, a lost lease) and another node may finish the saga: read it too
                    outcome = waitFor(watch, Math.min(READ_WHILE_RUNNING_HERE_MS, millisUntil(deadline)), sagaId);
                    if (outcome == null && !watch.isDone()) {
                        outcome = finished(requireInstance(sagaId).toView());
                    }
                } else {
                    var view = requireInstance(sagaId).toView();
                    if (view.status().isTerminal()) {
                        outcome = finished(view);
                    } else if (Instant.now().isAfter(deadline)) {
                        throw new SagaTimeoutException("Saga " + sagaId + " (" + view.name() + ") has not finished"
                                + " within " + timeout + "; it is " + view.status());
                    } else {
                        outcome = waitFor(watch, Math.min(pause, millisUntil(deadline)), sagaId);
                        pause = Math.min(pause * 2, 200);
                    }
                }
                if (outcome != null) {
                    return result(sagaId, outcome, resultType);
                }
                if (watch.isDone()) {
                    watch = completions.watch(sagaId); // its run here ended unfinished: read it, watch again
                }
            }
        } finally {
            completions.unwatch(sagaId, watch);
        }
    }

    /** The saga's outcome as recorded, or null while it has not finished. */
    private static LocalCompletions.Finished finished(SagaView view) {
        return view.status().isTerminal()
                ? new LocalCompletions.Finished(view.name(), view.status(), view.output(), view.error()) : null;
    }

    private <T> T result(UUID sagaId, LocalCompletions.Finished outcome, Class<T> resultType) {
        if (outcome.status() != SagaStatus.COMPLETED) {
            throw new SagaFailedException(sagaId, outcome.status(), outcome.error());
        }
        return resultType.cast(codec.read(outcome.output(), resultType, "output of saga " + outcome.name()));
    }

    private static long millisUntil(Instant deadline) {
        return Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    }

    /** The outcome if it arrives within the time given, else null. */
    private static LocalCompletions.Finished waitFor(java.util.concurrent.CompletableFuture<LocalCompletions.Finished>
            finishedHere, long millis, UUID sagaId) {
        try {
            return finishedHere.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notYet) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SagaTimeoutException("Interrupted while waiting for saga " + sagaId);
        } catch (java.util.concurrent.ExecutionException impossible) {
            throw new IllegalStateException(impossible.getCause());
        }
    }
}
