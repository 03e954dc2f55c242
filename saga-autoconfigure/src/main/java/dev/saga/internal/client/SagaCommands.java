package dev.saga.internal.client;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.SagaStatus;
import dev.saga.SignalResult;
import dev.saga.UnknownSagaException;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.ledger.CallerWrites;
import dev.saga.internal.ledger.InstanceQueries;
import dev.saga.internal.ledger.InstanceRecord;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.SqlSupport;
import dev.saga.internal.node.LocalNode;
import dev.saga.internal.outbox.OutboxStore;
import dev.saga.internal.time.SagaClock;

/**
 * Signals, cancels and retries sagas in the caller's transaction (or a new one): the instance
 * first, then its outbox row (the engine's lock order), and this node is woken after the commit.
 */
public final class SagaCommands {

    private final CallerWrites writes;
    private final InstanceQueries queries;
    private final SignalStore signals;
    private final OutboxStore outbox;
    private final PayloadCodec codec;
    private final TransactionTemplate transaction;
    private final LocalNode node;
    private final SagaClock clock;

    public SagaCommands(CallerWrites writes, InstanceQueries queries, SignalStore signals, OutboxStore outbox,
            PayloadCodec codec,
            PlatformTransactionManager transactionManager, LocalNode node, SagaClock clock) {
        this.writes = writes;
        this.queries = queries;
        this.signals = signals;
        this.outbox = outbox;
        this.codec = codec;
        this.transaction = new TransactionTemplate(transactionManager);
        this.node = node;
        this.clock = clock;
    }

    SignalResult signal(UUID sagaId, String signalName, @Nullable Object payload) {
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
            if (writes.countWakeUp(sagaId).isEmpty()) {
                return SignalResult.SAGA_FINISHED; // finished (or finishing right now): nothing will read it
            }
            signals.add(sagaId, signalName, payloadJson, clock.now());
            outbox.wake(sagaId, clock.now());
            AfterCommit.run(node::workAdded);
            return SignalResult.DELIVERED;
        });
    }

    SignalResult signal(String sagaName, String businessKey, String signalName,
            @Nullable Object payload) {
        SqlSupport.storableText(sagaName, "sagaName");
        SqlSupport.storableText(businessKey, "businessKey");
        var id = queries.findIdByBusinessKey(sagaName, businessKey).orElseThrow(() -> new UnknownSagaException(
                "No saga '" + sagaName + "' with business key '" + businessKey + "'"));
        return signal(id, signalName, payload);
    }

    void cancel(UUID sagaId, @Nullable String reason) {
        SqlSupport.storableText(reason, "reason");
        var why = reason == null || reason.isBlank() ? "cancelled by a client" : reason;
        // refused before joining the caller's transaction, so a caught refusal does not roll it back
        refuseCancel(sagaId, requireInstance(sagaId).saga().status());
        transaction.executeWithoutResult(status -> {
            if (!writes.requestCancel(sagaId, why)) {
                // not RUNNING (any more): compensating already (nothing to do), or finished meanwhile
                refuseCancel(sagaId, requireInstance(sagaId).saga().status());
                return;
            }
            // the outbox only with the instance locked (the engine's lock order): a claim in progress then
            // either skips the saga or has committed before this reads the outbox row, so this update never
            // waits for it and keeps no lock on the row of a claimed saga (see signal)
            outbox.wake(sagaId, clock.now());
            AfterCommit.run(node::workAdded);
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

    void retry(UUID sagaId) {
        transaction.executeWithoutResult(status -> {
            writes.prepareRetry(sagaId, clock.now()).orElseThrow(() -> SagaReadModel.unknown(sagaId));
            outbox.add(sagaId, clock.now());
            AfterCommit.run(node::workAdded);
        });
    }

    private InstanceRecord requireInstance(UUID sagaId) {
        return queries.findInstance(sagaId).orElseThrow(() -> SagaReadModel.unknown(sagaId));
    }
}
