package dev.saga.bench.measure;

import java.util.Arrays;

/** Latencies in nanoseconds, appended by one thread, merged after the run. */
public final class Latencies {

    private long[] values = new long[1024];
    private int size;

    public void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public int size() {
        return size;
    }

    /** All values of the given recorders, sorted. */
    public static long[] sorted(Iterable<Latencies> recorders) {
        var all = new long[0];
        for (var recorder : recorders) {
            int offset = all.length;
            all = Arrays.copyOf(all, offset + recorder.size);
            System.arraycopy(recorder.values, 0, all, offset, recorder.size);
        }
        Arrays.sort(all);
        return all;
    }

    /** The value at the given quantile (0..1) of sorted values, in milliseconds; NaN if none. */
    public static double quantileMillis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
