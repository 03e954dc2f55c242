package dev.saga.bench.measure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * N client threads, each doing one operation after the other for a fixed time (a closed loop:
 * a client starts its next operation when the last one returned). Each latency is measured from
 * the call to its return.
 */
public final class ClosedLoop {

    /** One operation: for the throughput cases, start a saga and wait for its result. */
    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    private ClosedLoop() {
    }

    /** Runs the operation on {@code clients} threads for {@code duration}; the first failure ends it. */
    public static List<Latencies> run(int clients, Duration duration, Operation operation) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        var failure = new AtomicReference<Exception>();
        var done = new CountDownLatch(clients);
        var recorders = new ArrayList<Latencies>();
        for (int i = 0; i < clients; i++) {
            var latencies = new Latencies();
            recorders.add(latencies);
            var client = new Thread(() -> {
                try {
                    while (failure.get() == null && System.nanoTime() < end) {
                        long started = System.nanoTime();
                        operation.run();
                        latencies.add(System.nanoTime() - started);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + i);
            client.start();
        }
        done.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        return recorders;
    }
}
