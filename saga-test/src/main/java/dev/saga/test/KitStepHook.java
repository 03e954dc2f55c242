package dev.saga.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import dev.saga.spi.StepHook;

/** The kit's view of every step attempt: stubs answer, attempts are noted, an armed crash fires. */
final class KitStepHook implements StepHook {

    /** A crash armed for one step at one point; fired once. */
    record ArmedCrash(String stepName, CrashPoint point, CountDownLatch fired) {
    }

    private final Map<String, StepStub> stubs = new ConcurrentHashMap<>();
    private final List<StepAttempt> attempts = new CopyOnWriteArrayList<>();
    private final AtomicReference<@Nullable ArmedCrash> crash = new AtomicReference<>();
    private final Runnable nodeDies;

    /** @param nodeDies stops the node's dispatcher, as the death of its process would */
    KitStepHook(Runnable nodeDies) {
        this.nodeDies = nodeDies;
    }

    StepStub stub(String stepName) {
        return stubs.computeIfAbsent(stepName, StepStub::new);
    }

    ArmedCrash arm(String stepName, CrashPoint point) {
        var armed = new ArmedCrash(stepName, point, new CountDownLatch(1));
        if (!crash.compareAndSet(null, armed)) {
            throw new IllegalStateException("A crash is armed already in this test: " + crash.get());
        }
        return armed;
    }

    List<StepAttempt> attempts() {
        return List.copyOf(attempts);
    }

    void reset() {
        stubs.clear();
        attempts.clear();
        crash.set(null);
    }

    @Override
    public @Nullable Object attempt(Call call, Effect effect) throws Throwable {
        crashIfArmed(call, CrashPoint.BEFORE_EFFECT);
        var stub = stubFor(call);
        var outcome = stub == null ? null : stub.next(call.arguments());
        attempts.add(new StepAttempt(call.sagaId(), call.stepName(), call.qualifiedName(), call.idempotencyKey(),
                call.arguments(), outcome != null));
        Object result;
        if (outcome == null) {
            result = effect.proceed();
        } else if (outcome.failure() != null) {
            throw outcome.failure();
        } else {
            result = outcome.value();
        }
        crashIfArmed(call, CrashPoint.AFTER_EFFECT);
        return result;
    }

    @Override
    public void recorded(Call call) {
        crashIfArmed(call, CrashPoint.AFTER_RECORD);
    }

    private @Nullable StepStub stubFor(Call call) {
        var stub = stubs.get(call.qualifiedName());
        return stub != null ? stub : stubs.get(call.stepName());
    }

    private void crashIfArmed(Call call, CrashPoint point) {
        var armed = crash.get();
        if (armed == null || armed.point() != point
                || !(armed.stepName().equals(call.stepName()) || armed.stepName().equals(call.qualifiedName()))) {
            return;
        }
        synchronized (armed) {
            if (armed.fired().getCount() == 0) {
                return; // it crashed once; the node that takes over runs the step
            }
            nodeDies.run();
            armed.fired().countDown();
        }
        throw call.crash();
    }
}
