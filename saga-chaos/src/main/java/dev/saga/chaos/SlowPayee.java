package dev.saga.chaos;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.saga.Sagas;

/**
 * Makes the next {@code notifyPayee} on this node slow when asked: it takes
 * {@code chaos.slow-step-for}, longer than a lease, so that its lease must be renewed while it
 * runs. The held-signal fault asks for one, so that the node it blocks has a step in flight.
 */
@Component
public class SlowPayee {

    private final AtomicReference<CompletableFuture<UUID>> request = new AtomicReference<>();
    private final Duration slowFor;

    public SlowPayee(@Value("${chaos.slow-step-for}") Duration slowFor) {
        this.slowFor = slowFor;
    }

    /** Makes the next notifyPayee on this node slow; completes with its saga once it has begun. */
    public CompletableFuture<UUID> request() {
        var next = new CompletableFuture<UUID>();
        request.set(next);
        return next;
    }

    /** Takes back a request that no notifyPayee took up. */
    public void withdraw(CompletableFuture<UUID> unused) {
        request.compareAndSet(unused, null);
    }

    /** In notifyPayee: slow, if it was asked for. */
    public void maybeSlow() {
        var asked = request.getAndSet(null);
        if (asked == null) {
            return;
        }
        asked.complete(Sagas.sagaId());
        try {
            Thread.sleep(slowFor.toMillis()); // a slow payee: the call outlasts the lease
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("notifyPayee (interrupted while slow)");
        }
    }
}
