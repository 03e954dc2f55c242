package dev.saga.bench;

import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a task for every index of a range on a few threads. */
final class Parallel {

    @FunctionalInterface
    interface IndexTask {
        void run(int index) throws Exception;
    }

    private Parallel() {
    }

    /** Calls the task for 0 until {@code count} on {@code threads} threads; rethrows the first failure. */
    static void forEach(int count, int threads, IndexTask task) throws Exception {
        var next = new AtomicInteger();
        var failure = new AtomicReference<Exception>();
        var workers = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            var worker = new Thread(() -> {
                int index;
                while (failure.get() == null && (index = next.getAndIncrement()) < count) {
                    try {
                        task.run(index);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }, "bench-parallel-" + t);
            worker.start();
            workers.add(worker);
        }
        for (var worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
