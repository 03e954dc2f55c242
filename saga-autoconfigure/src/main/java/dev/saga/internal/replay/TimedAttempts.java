package dev.saga.internal.replay;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;

import dev.saga.StepTimeoutException;
import dev.saga.internal.compensation.StepScopeContext;
import dev.saga.internal.ledger.EffectTransaction;
import dev.saga.internal.time.SagaClock;
import dev.saga.spi.SagaContextHolder;

/**
 * Attempts of steps with a timeout, each on a thread of the timed-step executor, abandoned when
 * time is up. The executor is bounded: an abandoned attempt keeps its thread (and, if
 * transactional, its connection) until it returns, so when every thread is taken a timed step
 * waits for one instead of piling up threads and connections.
 */
final class TimedAttempts {

    private static final Logger log = LoggerFactory.getLogger(TimedAttempts.class);
    private static final Duration WAIT_FOR_A_THREAD = Duration.ofSeconds(1);

    private final AsyncTaskExecutor threads;
    private final SagaClock clock;

    TimedAttempts(AsyncTaskExecutor threads, SagaClock clock) {
        this.threads = threads;
        this.clock = clock;
    }

    @Nullable Object run(AttemptState attempt, EffectTransaction.Work<@Nullable Object> work) throws Throwable {
        Future<@Nullable Object> running;
        try {
            running = submit(attempt, work);
        } catch (TaskRejectedException allBusy) {
            log.warn("Saga {} step {}: all threads for steps with a timeout (saga.dispatcher.worker-threads) are busy"
                    + " (abandoned attempts that have not returned yet); the step is tried again in {}",
                    attempt.cursor().execution().sagaId(), attempt.step().name(), WAIT_FOR_A_THREAD);
            throw new SagaControl.Suspend(WAIT_FOR_A_THREAD); // no attempt was made: none is counted
        }
        var timeout = attempt.policy().timeout();
        try {
            return running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException timedOut) {
            if (attempt.abandon()) {
                running.cancel(true);
                throw new StepTimeoutException(attempt.step().name(), timeout);
            }
            return outcomeOf(running); // its success is being recorded right now: take it
        } catch (ExecutionException e) {
            throw causeOf(e);
        }
    }

    /**
     * Submitted under the step's scope, not the saga's: the executor's decorator carries the
     * context and the MDC of this thread to the attempt's, and the saga's own context must not
     * cross, because the saga's thread goes on without the attempt once it is abandoned.
     */
    private Future<@Nullable Object> submit(AttemptState attempt, EffectTransaction.Work<@Nullable Object> work) {
        var execution = attempt.cursor().execution();
        var previous = SagaContextHolder.bind(StepScopeContext.ofStep(execution.sagaId(), execution.run(),
                attempt.row().seq(), clock));
        MDC.put("sagaStep", attempt.step().name());
        try {
            return threads.submit(() -> {
                try {
                    return work.run();
                } catch (Throwable failure) {
                    throw new AttemptFailure(failure);
                }
            });
        } finally {
            MDC.remove("sagaStep");
            SagaContextHolder.restore(previous);
        }
    }

    private static @Nullable Object outcomeOf(Future<@Nullable Object> running) throws Throwable {
        try {
            return running.get();
        } catch (ExecutionException e) {
            throw causeOf(e);
        }
    }

    private static Throwable causeOf(ExecutionException e) {
        return e.getCause() instanceof AttemptFailure failure ? failure.getCause() : e.getCause();
    }

    /** A step's own failure, carried out of the thread that ran a timed attempt. */
    private static final class AttemptFailure extends RuntimeException {
        AttemptFailure(Throwable cause) {
            super(null, cause, false, false);
        }
    }
}
