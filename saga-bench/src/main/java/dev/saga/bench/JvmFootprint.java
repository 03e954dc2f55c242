package dev.saga.bench;

import java.lang.management.ManagementFactory;

/**
 * Live threads and heap in use after a full garbage collection.
 *
 * @param threads live threads of this JVM
 * @param heapBytes heap in use after collecting
 */
record JvmFootprint(int threads, long heapBytes) {

    static JvmFootprint now() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return new JvmFootprint(ManagementFactory.getThreadMXBean().getThreadCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
}
