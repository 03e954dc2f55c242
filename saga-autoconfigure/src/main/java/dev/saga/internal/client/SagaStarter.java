package dev.saga.internal.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

import dev.saga.SagaStatus;
import dev.saga.SagaView;
import dev.saga.StartOptions;
import dev.saga.UnknownSagaException;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.codec.TraceContext;
import dev.saga.internal.definition.SagaDefinition;
import dev.saga.internal.definition.SagaRegistry;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.node.LocalNode;
import dev.saga.internal.node.ReservedWorker;
import dev.saga.internal.outbox.Claim;
import dev.saga.internal.time.SagaClock;

/**
 * Starts sagas as a transactional outbox: the saga and its work are one row each, written in the
 * caller's transaction (or on their own). A saga due now is written already claimed by a free
 * worker of this node when there is one, and handed to it after the commit.
 */
public final class SagaStarter {

    private final SagaRegistry registry;
    private final CallerWrites writes;
    private final InstanceQueries queries;
    private final PayloadCodec codec;
    private final LocalNode node;
    private final SagaClock clock;
    private final Map<String, Duration> defaultDeadlines;
    private final SagaEvents events;

    public SagaStarter(SagaRegistry registry, CallerWrites writes, InstanceQueries queries, PayloadCodec codec,
            LocalNode node, SagaClock clock, Map<String, Duration> defaultDeadlines, SagaEvents events) {
        this.registry = registry;
        this.writes = writes;
        this.queries = queries;
        this.codec = codec;
        this.node = node;
        this.clock = clock;
        this.defaultDeadlines = Map.copyOf(defaultDeadlines);
        this.events = events;
    }

    UUID start(String sagaName, @Nullable Object input, @Nullable StartOptions options) {
        var saga = registry.saga(sagaName).orElseThrow(() -> new UnknownSagaException("No saga named '" + sagaName
                + "'; known sagas: " + registry.sagas().stream().map(SagaDefinition::name).sorted().toList()));
        return start(saga, input, options);
    }

    UUID start(Class<?> sagaClass, @Nullable Object input, @Nullable StartOptions options) {
        var saga = registry.saga(ClassUtils.getUserClass(sagaClass)).orElseThrow(() -> new UnknownSagaException(
                sagaClass.getName() + " is not a @Saga bean of this application"));
        return start(saga, input, options);
    }

    private UUID start(SagaDefinition saga, @Nullable Object input, @Nullable StartOptions options) {
        return events.observeStart(saga.name(), traceContext -> start(saga, input, options, traceContext));
    }

    private UUID start(SagaDefinition saga, @Nullable Object input, @Nullable StartOptions options,
            @Nullable String traceContext) {
        var effective = options == null ? StartOptions.defaults() : options;
        var inputJson = codec.write(checkedInput(saga, input), saga.takesInput() ? saga.inputType() : Object.class,
                "input of saga '" + saga.name() + "'");
        var within = effective.deadline() != null ? effective.deadline() : defaultDeadlines.get(saga.name());
        var id = UUID.randomUUID();
        var now = clock.now();
        var deadline = within == null ? null : now.plus(within);
        // a saga due now is written claimed by a free worker of this node, which runs it after the commit
        var worker = effective.startDelay().isZero() ? node.reserveWorker(id).orElse(null) : null;
        boolean inserted = false;
        try {
            inserted = insert(id, saga, effective, inputJson, deadline, now, worker, traceContext);
        } finally {
            if (!inserted && worker != null) {
                worker.release(); // failed, or the business key was taken: nothing for it to run
            }
        }
        if (!inserted) {
            return queries.findIdByBusinessKey(saga.name(), effective.businessKey()).orElseThrow();
        }
        var started = new InstanceRecord(new SagaView(id, saga.name(), saga.version(), effective.businessKey(),
                SagaStatus.RUNNING, inputJson, null, null, 1, 0, deadline, now, now, null,
                TraceContext.traceId(traceContext), null), Claim.FIRST_FENCING, null, traceContext);
        // one statement, so without a caller's transaction it has committed here already; in a transaction
        // whose outcome is unknown the worker runs too: it confirms the saga exists before it runs anything
        AfterCommit.run(() -> {
            events.sagaStarted(saga.name());
            if (worker != null) {
                worker.run(started);
            } else if (effective.startDelay().isZero()) {
                node.workAdded();
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
    private boolean insert(UUID id, SagaDefinition saga, StartOptions options, @Nullable String inputJson,
            @Nullable Instant deadline, Instant now, @Nullable ReservedWorker worker, @Nullable String traceContext) {
        BooleanSupplier write = () -> writes.insertInstance(id, saga.name(), saga.version(),
                options.businessKey(), inputJson, deadline, now,
                worker == null ? now.plus(options.startDelay()) : worker.leaseEnd(),
                worker == null ? null : worker.nodeId(), worker == null ? 0 : Claim.FIRST_FENCING, traceContext);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return write.getAsBoolean(); // the caller's commit decides, and the caller learns how it went
        }
        try {
            return write.getAsBoolean();
        } catch (DataAccessException failure) {
            if (EffectTransaction.answeredByTheDatabase(failure)) {
                throw failure; // refused by the database: nothing was written
            }
            var inDoubt = failure;
            try {
                return write.getAsBoolean() || queries.findInstance(id).isPresent();
            } catch (RuntimeException again) {
                inDoubt.addSuppressed(again);
                throw inDoubt;
            }
        }
    }

    private static @Nullable Object checkedInput(SagaDefinition saga, @Nullable Object input) {
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
}
