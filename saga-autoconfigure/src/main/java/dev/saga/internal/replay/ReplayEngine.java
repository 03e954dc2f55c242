package dev.saga.internal.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.task.TaskRejectedException;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.saga.SagaHistoryLimitException;
import dev.saga.StepTimeoutException;
import dev.saga.internal.codec.PayloadCodec;
import dev.saga.internal.codec.PayloadException;
import dev.saga.internal.compensation.CompensationOutcome;
import dev.saga.internal.compensation.Compensator;
import dev.saga.internal.compensation.StepScopeContext;
import dev.saga.internal.definition.StepDefinition;
import dev.saga.internal.events.SagaEvents;
import dev.saga.internal.ledger.CommitInDoubtException;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.ledger.EngineWriteException;
import dev.saga.internal.ledger.ErrorText;
import dev.saga.internal.ledger.FencedOffException;
import dev.saga.internal.ledger.SignalStore;
import dev.saga.internal.ledger.StepStore;
import dev.saga.internal.ledger.StepKind;
import dev.saga.internal.ledger.StepRecord;
import dev.saga.internal.ledger.StepStatus;
import dev.saga.internal.retry.DurableRetry;
import dev.saga.internal.retry.RetryPolicies;
import dev.saga.internal.retry.RetryPolicy;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContextHolder;
import dev.saga.spi.SagaListener;

/**
 * Runs or replays what a saga calls: each step and primitive takes the next sequence number; a
 * recorded outcome is returned without running anything, a missing one is produced and recorded
 * (one commit per step; a transactional step's effect commits in the same transaction).
 */
public final class ReplayEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplayEngine.class);

    private final StepStore ledger;
    private final PayloadCodec codec;
    private final RetryPolicies policies;
    private final DurableRetry retry;
    private final Compensator compensator;
    private final PlatformTransactionManager transactionManager;
    private final Duration maxInlineWait;
    private final SignalStore signals;
    private final SagaClock clock;
    private final HistoryLimits history;
    private final SagaEvents events;
    /**
     * Threads for attempts with a timeout. Bounded: an abandoned attempt keeps its thread (and, if
     * transactional, its connection) until it returns, so when every thread is taken a timed step
     * waits for one instead of piling up threads and connections.
     */
    private final ThreadPoolTaskExecutor timedSteps;
    private static final Duration WAIT_FOR_TIMED_STEP_THREAD = Duration.ofSeconds(1);

    /**
     * How long one run's history may grow.
     *
     * @param warnEntries entries after which a warning is logged once per run
     * @param maxEntries entries after which the next call fails the saga
     */
    public record HistoryLimits(int warnEntries, int maxEntries) {
    }

    public ReplayEngine(StepStore ledger, SignalStore signals, PayloadCodec codec, RetryPolicies policies,
            Compensator compensator, PlatformTransactionManager transactionManager, Duration maxInlineWait,
            SagaClock clock, HistoryLimits history, SagaEvents events, int timedStepThreads) {
        this.events = events;
        this.timedSteps = new ThreadPoolTaskExecutor();
        timedSteps.setCorePoolSize(timedStepThreads);
        timedSteps.setMaxPoolSize(timedStepThreads);
        timedSteps.setQueueCapacity(0); // a thread now, or none: an attempt never waits in a queue past its timeout
        timedSteps.setThreadNamePrefix("saga-timed-step-");
        timedSteps.setDaemon(true);
        timedSteps.initialize();
        this.ledger = ledger;
        this.signals = signals;
        this.clock = clock;
        this.history = history;
        this.codec = codec;
        this.policies = policies;
        this.retry = new DurableRetry(maxInlineWait);
        this.compensator = compensator;
        this.transactionManager = transactionManager;
        this.maxInlineWait = maxInlineWait;
    }

    /** The intercepted step method, called through its proxy chain. */
    @FunctionalInterface
    public interface Proceed {
        Object proceed() throws Throwable;
    }

    Object callStep(SagaExecution execution, StepDefinition step, Object[] arguments, Proceed proceed) {
        int seq = nextSeq(execution);
        StepRecord row = execution.recorded(seq);
        if (row != null) {
            requireSame(execution, row, StepKind.STEP, step.name());
            switch (row.status()) {
                case COMPLETED -> {
                    return completed(execution, step, row);
                }
                case FAILED -> throw ErrorText.recreate(row.error(), step.beanClass().getClassLoader());
                case RETRYING -> waitUntil(row.nextAttemptAt());
            }
        } else {
            row = StepRecord.started(execution.sagaId(), seq, StepKind.STEP, step.name(), null,
                    writeArguments(step, arguments), clock.now());
        }
        // a result that cannot be stored fails the same way again: not worth a retry
        var policy = policies.forStep(execution.saga().name(), step).neverRetrying(PayloadException.class);
        var attempt = new AttemptState(row, clock.now());
        var sagaName = execution.saga().name();
        var outcome = retry.run(policy, row.attemptCount(),
                number -> events.observeStep(sagaName, step.name(),
                        () -> runAttempt(execution, step, policy, attempt, proceed)),
                (number, error, retryIn) -> recordFailure(execution, step, attempt, error, retryIn),
                SagaControl.class);
        if (outcome instanceof DurableRetry.Outcome.Succeeded<Object> succeeded) {
            stepAttempted(execution, attempt.row, SagaListener.StepOutcome.COMPLETED); // after its commit
            if (step.pivot()) {
                execution.pivotCompleted(step.name());
            }
            execution.stopIfCancelled();
            return succeeded.value();
        }
        if (outcome instanceof DurableRetry.Outcome.RetryLater<Object> later) {
            throw new SagaControl.Suspend(later.delay());
        }
        throw sneaky(((DurableRetry.Outcome.Exhausted<Object>) outcome).error());
    }

    /** Refused here, before the step runs, when its compensation could not read them back. */
    private String writeArguments(StepDefinition step, Object[] arguments) {
        var what = "arguments of step '" + step.name() + "'";
        return step.compensation() == null ? codec.writeArguments(arguments, what)
                : codec.writeArguments(arguments, step.method().getGenericParameterTypes(), what);
    }

    private Object completed(SagaExecution execution, StepDefinition step, StepRecord row) {
        if (step.pivot()) {
            execution.pivotCompleted(step.name());
        }
        return codec.read(row.result(), step.method().getGenericReturnType(), "result of " + step.name());
    }

    /** {@code Sagas.compensate()}: undoes the steps so far, recorded, and lets the saga go on. */
    void compensateSoFar(SagaExecution execution) {
        requireEntryMethod(execution, "compensate");
        if (execution.completedPivot() != null) {
            throw new IllegalStateException("Sagas.compensate() after pivot step '" + execution.completedPivot()
                    + "' completed: a saga cannot be undone past its point of no return");
        }
        int seq = nextSeq(execution);
        StepRecord marker = execution.recorded(seq);
        if (marker != null) {
            requireSame(execution, marker, StepKind.COMPENSATE, "compensate");
            if (marker.status() == StepStatus.COMPLETED) {
                execution.skipTo(seq + 1 + (Integer) codec.read(marker.result(), Integer.class, "compensate"));
                return;
            }
        } else {
            marker = StepRecord.started(execution.sagaId(), seq, StepKind.COMPENSATE, "compensate", null, null,
                    clock.now());
            record(execution, marker);
        }
        var outcome = fenced(() -> compensator.compensate(execution.fence(), execution.saga().name(), execution.run(),
                seq));
        if (outcome instanceof CompensationOutcome.RetryLater later) {
            throw new SagaControl.Suspend(later.delay());
        }
        if (outcome instanceof CompensationOutcome.Failed failed) {
            throw new SagaControl.Fail(failed.error());
        }
        int nextSeq = ((CompensationOutcome.Compensated) outcome).nextSeq();
        var done = marker.succeeded(codec.write(nextSeq - seq - 1, "compensate"), marker.startedAt(), clock.now());
        record(execution, done);
        execution.skipTo(nextSeq);
    }

    Instant now(SagaExecution execution) {
        if (execution.inStep()) {
            return clock.now(); // a step's result is recorded as a whole; its inner values need not be
        }
        return (Instant) primitive(execution, StepKind.NOW, "now", Instant.class, clock::now);
    }

    UUID randomUUID(SagaExecution execution) {
        if (execution.inStep()) {
            return UUID.randomUUID();
        }
        return (UUID) primitive(execution, StepKind.RANDOM_UUID, "randomUUID", UUID.class, UUID::randomUUID);
    }

    private Object primitive(SagaExecution execution, StepKind kind, String name, Class<?> type, Supplier<?> value) {
        int seq = nextSeq(execution);
        StepRecord row = execution.recorded(seq);
        if (row != null) {
            requireSame(execution, row, kind, name);
            return codec.read(row.result(), type, name);
        }
        Object fresh = value.get();
        var recorded = StepRecord.completed(execution.sagaId(), seq, kind, name, codec.write(fresh, name), clock.now());
        record(execution, recorded);
        return fresh;
    }

    /** {@code Sagas.awaitSignal}: a pending signal at once, else a wait row due at the timeout. */
    Optional<Object> awaitSignal(SagaExecution execution, String name, Class<?> type, Duration timeout) {
        requireEntryMethod(execution, "awaitSignal");
        var waiting = waitRow(execution, StepKind.SIGNAL, name, timeout);
        int seq = waiting.seq();
        if (waiting.status() == StepStatus.COMPLETED) {
            return received(waiting, type, name);
        }
        var pending = fenced(() -> signals.oldestPending(execution.sagaId(), name));
        if (pending.isPresent()) {
            var done = waiting.succeeded(SignalWaits.received(pending.get().payload()), waiting.startedAt(), clock.now());
            fenced(() -> new TransactionTemplate(transactionManager).executeWithoutResult(status -> {
                record(execution, done); // the fence first: instance, then signal (the engine's lock order)
                if (!signals.consume(pending.get().id(), seq)) {
                    throw new SagaControl.Abandon("signal " + pending.get().id() + " was consumed by another run");
                }
            }));
            return received(done, type, name);
        }
        if (!clock.now().isBefore(waiting.nextAttemptAt())) {
            var timedOut = waiting.succeeded(SignalWaits.timedOut(), waiting.startedAt(), clock.now());
            record(execution, timedOut);
            return Optional.empty();
        }
        if (execution.recorded(seq) == null) {
            record(execution, waiting);
        }
        throw new SagaControl.Suspend(Duration.between(clock.now(), waiting.nextAttemptAt()));
    }

    private Optional<Object> received(StepRecord row, Class<?> type, String name) {
        return SignalWaits.payload(codec, row.result(), type, "signal '" + name + "'");
    }

    /**
     * The wait at the next sequence number: as recorded (checked to be the same wait), or a new one,
     * not yet written, due after {@code length}.
     */
    private StepRecord waitRow(SagaExecution execution, StepKind kind, String name, Duration length) {
        int seq = nextSeq(execution);
        StepRecord row = execution.recorded(seq);
        if (row != null) {
            requireSame(execution, row, kind, name);
            return row;
        }
        var now = clock.now();
        return StepRecord.started(execution.sagaId(), seq, kind, name, null, null, now).waitingUntil(now.plus(length));
    }

    /** {@code Sagas.sleep}: a timer row due when the saga wakes. */
    void sleep(SagaExecution execution, Duration duration) {
        requireEntryMethod(execution, "sleep");
        var row = waitRow(execution, StepKind.SLEEP, "sleep", duration);
        int seq = row.seq();
        if (row.status() == StepStatus.COMPLETED) {
            return;
        }
        var remaining = Duration.between(clock.now(), row.nextAttemptAt());
        if (remaining.compareTo(maxInlineWait) > 0) {
            if (execution.recorded(seq) == null) {
                record(execution, row);
            }
            throw new SagaControl.Suspend(remaining);
        }
        pauseInline(remaining);
        record(execution, row.succeeded(null, row.startedAt(), clock.now()));
    }

    /**
     * {@code Sagas.patched}: true where the history has the change's marker or ends here (new
     * code runs), false where the history recorded something else at this point (the saga passed
     * it before the change was deployed); a false does not take a sequence number.
     */
    boolean patched(SagaExecution execution, String changeId) {
        requireEntryMethod(execution, "patched");
        StepRecord row = execution.recorded(execution.peekSeq());
        if (row != null && !(row.kind() == StepKind.PATCH && row.name().equals(changeId))) {
            return false;
        }
        int seq = nextSeq(execution);
        if (row == null) {
            record(execution, StepRecord.completed(execution.sagaId(), seq, StepKind.PATCH, changeId, null,
                    clock.now()));
        }
        return true;
    }

    private int nextSeq(SagaExecution execution) {
        execution.stopIfCancelled();
        int seq = execution.takeSeq();
        if (seq == history.warnEntries() && execution.recorded(seq) == null) {
            log.warn("Saga '{}' ({}) has {} entries in its history; keep it small with Sagas.continueAsNew(...)"
                    + " (saga.history.max-entries is {})", execution.saga().name(), execution.sagaId(), seq,
                    history.maxEntries());
        }
        if (seq >= history.maxEntries()) {
            throw new SagaHistoryLimitException("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") reached saga.history.max-entries (" + history.maxEntries() + " entries in one run): call"
                    + " Sagas.continueAsNew(...) to go on with an empty history");
        }
        return seq;
    }

    private static void requireEntryMethod(SagaExecution execution, String call) {
        if (execution.inStep()) {
            throw new IllegalStateException("Sagas." + call + "(...) belongs in the saga's entry method, not in a step");
        }
    }

    private void record(SagaExecution execution, StepRecord row) {
        fenced(() -> ledger.record(execution.fence(), row)).ifPresent(execution::cancelRequested);
        execution.remember(row);
    }

    /** One attempt; with a timeout it runs on a thread of its own that is abandoned when time is up. */
    private Object runAttempt(SagaExecution execution, StepDefinition step, RetryPolicy policy, AttemptState attempt,
            Proceed proceed) throws Throwable {
        attempt.begin(clock.now());
        if (!policy.hasTimeout()) {
            execution.enterStep(attempt.row.seq());
            MDC.put("sagaStep", step.name());
            try {
                return attemptAndRecord(execution, step, policy, attempt, proceed);
            } finally {
                MDC.remove("sagaStep");
                execution.leaveStep();
            }
        }
        var mdc = MDC.getCopyOfContextMap();
        Future<Object> running;
        try {
            running = timedSteps.submit(() -> runTimed(execution, step, policy, attempt, proceed, mdc));
        } catch (TaskRejectedException allBusy) {
            log.warn("Saga {} step {}: all {} threads for steps with a timeout are busy (abandoned attempts that have"
                    + " not returned yet); the step is tried again in {}", execution.sagaId(), step.name(),
                    timedSteps.getMaxPoolSize(), WAIT_FOR_TIMED_STEP_THREAD);
            throw new SagaControl.Suspend(WAIT_FOR_TIMED_STEP_THREAD); // no attempt was made: none is counted
        }
        try {
            return running.get(policy.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException timeout) {
            if (attempt.abandon()) {
                running.cancel(true);
                throw new StepTimeoutException(step.name(), policy.timeout());
            }
            return unwrap(running); // its success is being recorded right now: take it
        } catch (ExecutionException e) {
            throw causeOf(e);
        }
    }

    /** A timed attempt on its thread, under the step's scope; its own failure is carried back wrapped. */
    private Object runTimed(SagaExecution execution, StepDefinition step, RetryPolicy policy, AttemptState attempt,
            Proceed proceed, java.util.Map<String, String> mdc) {
        var previous = SagaContextHolder.bind(StepScopeContext.ofStep(execution.sagaId(), execution.run(),
                attempt.row.seq(), clock));
        if (mdc != null) {
            MDC.setContextMap(mdc);
        }
        MDC.put("sagaStep", step.name());
        try {
            return attemptAndRecord(execution, step, policy, attempt, proceed);
        } catch (Throwable failure) {
            throw new AttemptFailure(failure);
        } finally {
            SagaContextHolder.restore(previous);
            MDC.clear();
        }
    }

    private static Object unwrap(Future<Object> running) throws Throwable {
        try {
            return running.get();
        } catch (ExecutionException e) {
            throw causeOf(e);
        }
    }

    private static Throwable causeOf(ExecutionException e) {
        return e.getCause() instanceof AttemptFailure failure ? failure.getCause() : e.getCause();
    }

    private Object attemptAndRecord(SagaExecution execution, StepDefinition step, RetryPolicy policy,
            AttemptState attempt, Proceed proceed) throws Throwable {
        var transaction = transactionOf(step, policy);
        try {
            return EffectTransaction.run(transactionManager, transaction, "step '" + step.name() + "'", () -> {
                Object result = proceed.proceed();
                recordSuccess(execution, step, transaction, attempt, result);
                return result;
            });
        } catch (CommitInDoubtException inDoubt) {
            // maybe committed, maybe not: only the ledger knows, so the run ends and the replay reads it
            throw new SagaControl.EngineFailure(inDoubt);
        }
    }

    /**
     * The step's own transaction; with a step timeout and no transaction timeout of its own, the
     * step timeout (rounded up to seconds) becomes the transaction's, so that an abandoned attempt's
     * statements are cancelled and give back their connection and locks.
     */
    private static TransactionDefinition transactionOf(StepDefinition step, RetryPolicy policy) {
        var declared = step.transaction();
        if (declared == null || !policy.hasTimeout() || declared.getTimeout() != TransactionDefinition.TIMEOUT_DEFAULT) {
            return declared;
        }
        var bounded = new DefaultTransactionDefinition(declared);
        bounded.setTimeout((int) Math.max(1, (policy.timeout().toMillis() + 999) / 1000));
        return bounded;
    }

    private void recordSuccess(SagaExecution execution, StepDefinition step, TransactionDefinition transaction,
            AttemptState attempt, Object result) {
        var row = attempt.row.succeeded(codec.write(result, step.method().getGenericReturnType(),
                "result of step '" + step.name() + "'"), attempt.startedAt, clock.now());
        if (!attempt.claimSuccess()) {
            throw new IllegalStateException("Step " + step.name() + " finished after its timeout; its effect is"
                    + " rolled back where it is transactional");
        }
        try {
            // a step that ran past its own @Transactional(timeout) fails here as it is: for its retry policy
            EffectTransaction.record(transaction, "step '" + step.name() + "'",
                    () -> ledger.record(execution.fence(), row).ifPresent(execution::cancelRequested));
        } catch (FencedOffException | EngineWriteException lostOrInDoubt) {
            throw engineControl(lostOrInDoubt);
        }
        execution.remember(row);
        attempt.row = row;
    }

    private void stepAttempted(SagaExecution execution, StepRecord row, SagaListener.StepOutcome outcome) {
        var last = row.attempts().get(row.attempts().size() - 1);
        events.stepAttempted(execution.saga().name(), row.name(), outcome,
                Duration.between(last.startedAt(), last.endedAt()));
    }

    private void recordFailure(SagaExecution execution, StepDefinition step, AttemptState attempt, Throwable error,
            Duration retryIn) {
        var now = clock.now();
        var row = attempt.row.failed(ErrorText.of(error), attempt.startedAt, now,
                retryIn == null ? null : now.plus(retryIn), RetryPolicy.matches(step.noEffectOn(), error));
        log.warn("Saga {} step {} attempt {} failed{}: {}", execution.sagaId(), row.name(), row.attemptCount(),
                retryIn == null ? " for good" : ", retrying in " + retryIn, row.error());
        record(execution, row);
        attempt.row = row;
        stepAttempted(execution, row, retryIn == null ? SagaListener.StepOutcome.FAILED
                : SagaListener.StepOutcome.RETRYING);
    }

    private void waitUntil(Instant due) {
        if (due == null) {
            return;
        }
        var remaining = Duration.between(clock.now(), due);
        if (remaining.compareTo(maxInlineWait) > 0) {
            throw new SagaControl.Suspend(remaining);
        }
        pauseInline(remaining);
    }

    private static void pauseInline(Duration remaining) {
        if (!remaining.isNegative() && !remaining.isZero()) {
            try {
                Thread.sleep(remaining.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SagaControl.Suspend(remaining);
            }
        }
    }

    private static void requireSame(SagaExecution execution, StepRecord row, StepKind kind, String name) {
        if (row.kind() != kind || !row.name().equals(name)) {
            throw new SagaControl.NonDeterminism("Saga '" + execution.saga().name() + "' (" + execution.sagaId()
                    + ") is not deterministic: history entry #" + row.seq() + " was recorded as " + row.kind() + " '"
                    + row.name() + "' but the code now calls " + kind + " '" + name + "'. Deploy code that makes the"
                    + " same calls in the same order for sagas already running (see Sagas versioning)");
        }
    }

    private static void fenced(Runnable write) {
        fenced(() -> {
            write.run();
            return null;
        });
    }

    /**
     * The engine's own reads and writes while the saga runs: a lost fence abandons the run, and a
     * failing database ends it to be tried again, never failing (and compensating) the saga.
     */
    private static <T> T fenced(Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            throw engineControl(e);
        }
    }

    /** How an engine write's failure ends the run: a lost fence abandons it, anything else retries it. */
    private static RuntimeException engineControl(RuntimeException e) {
        if (e instanceof FencedOffException) {
            throw new SagaControl.Abandon(e.getMessage());
        }
        if (e instanceof DataAccessException || e instanceof TransactionException || e instanceof EngineWriteException) {
            throw new SagaControl.EngineFailure(e);
        }
        throw e;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable error) throws E {
        throw (E) error;
    }

    @Override
    public void close() {
        timedSteps.getThreadPoolExecutor().shutdownNow();
    }

    /** A step's own failure, carried out of the thread that ran a timed attempt. */
    private static final class AttemptFailure extends RuntimeException {
        AttemptFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /**
     * The ledger row of the step as its attempts go on, and who owns the current attempt's
     * outcome: the attempt that records its success, or the timeout that abandons it.
     */
    private static final class AttemptState {
        private static final int RUNNING = 0;
        private static final int SUCCEEDING = 1;
        private static final int ABANDONED = 2;
        StepRecord row;
        Instant startedAt;
        private final AtomicInteger owner = new AtomicInteger();

        AttemptState(StepRecord row, Instant now) {
            this.row = row;
            this.startedAt = now;
        }

        void begin(Instant now) {
            startedAt = now;
            owner.set(RUNNING);
        }

        boolean claimSuccess() {
            return owner.compareAndSet(RUNNING, SUCCEEDING);
        }

        boolean abandon() {
            return owner.compareAndSet(RUNNING, ABANDONED);
        }
    }
}
