package dev.saga.internal.replay;

import java.time.Duration;
import java.util.List;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.retry.DurableRetry;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.time.SagaClock;

/**
 * Runs or replays what a saga calls: each step and primitive takes the next sequence number; a
 * recorded outcome is returned without running anything, a missing one is produced and recorded
 * (one commit per step; a transactional step's effect commits in the same transaction). Holds the
 * parts every run shares and opens the context of each run.
 */
public final class ReplayEngine {

    private final StepStore ledger;
    private final HistoryLimits history;
    private final StepCall steps;
    private final DurableWaits waits;
    private final Primitives primitives;
    private final CompensateSoFar compensation;

    /**
     * @param timedSteps the threads of attempts with a timeout; its task decorator carries the
     *     step's context and MDC over (see {@link SagaContextDecorator})
     */
    public ReplayEngine(StepStore ledger, SignalStore signals, PayloadCodec codec, RetryPolicies policies,
            Compensator compensator, PlatformTransactionManager transactionManager, Duration maxInlineWait,
            SagaClock clock, HistoryLimits history, SagaEvents events, AsyncTaskExecutor timedSteps) {
        this.ledger = ledger;
        this.history = history;
        this.waits = new DurableWaits(signals, codec, transactionManager, clock, maxInlineWait);
        var attempts = new StepAttempts(codec, transactionManager, new TimedAttempts(timedSteps, clock), clock);
        this.steps = new StepCall(codec, policies, new DurableRetry(maxInlineWait), attempts, waits, events, clock);
        this.primitives = new Primitives(codec, clock);
        this.compensation = new CompensateSoFar(compensator, codec, clock);
    }

    /** The context of one run, its cursor at the start of the history loaded for it. */
    ReplayContext open(SagaExecution execution, List<StepRecord> recorded) {
        return new ReplayContext(ReplayCursor.running(execution, recorded, ledger, history), steps, waits, primitives,
                compensation);
    }

    /**
     * The context of a replay check over a recorded history: the same step calls, waits and
     * primitives, on a cursor that answers from the history only and stops where it ends.
     */
    ReplayContext openChecking(SagaExecution execution, List<StepRecord> recorded) {
        return new ReplayContext(ReplayCursor.checking(execution, recorded, history), steps, waits, primitives,
                compensation);
    }
}
