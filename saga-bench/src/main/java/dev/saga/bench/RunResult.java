package dev.saga.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One measured run of a throughput case, or the medians of several.
 *
 * @param sagasPerSecond completed workflows per second of the measured time
 * @param p50Millis median latency, start to result observed
 * @param p99Millis 99th percentile latency
 * @param commitsPerSaga the case database's {@code xact_commit} delta per workflow
 * @param jvmCpuMillisPerSaga this JVM's CPU time per workflow (clients included)
 * @param dbCpuMillisPerSaga the database server's CPU time per workflow
 */
public record RunResult(double sagasPerSecond, double p50Millis, double p99Millis, double commitsPerSaga,
        double jvmCpuMillisPerSaga, double dbCpuMillisPerSaga) {

    /** Each figure's median over the runs. */
    public static RunResult medians(List<RunResult> runs) {
        return new RunResult(median(runs, RunResult::sagasPerSecond), median(runs, RunResult::p50Millis),
                median(runs, RunResult::p99Millis), median(runs, RunResult::commitsPerSaga),
                median(runs, RunResult::jvmCpuMillisPerSaga), median(runs, RunResult::dbCpuMillisPerSaga));
    }

    /** The result line: {@code name, concurrency, sagas/s, p50, p99, commits, JVM CPU, DB CPU}. */
    public String line(String name, int concurrency) {
        return String.format(Locale.ROOT, "%s, %d, %.1f sagas/s, p50 %.2f ms, p99 %.2f ms, %.2f commits/saga,"
                + " JVM CPU %.2f ms/saga, DB CPU %.2f ms/saga", name, concurrency, sagasPerSecond, p50Millis,
                p99Millis, commitsPerSaga, jvmCpuMillisPerSaga, dbCpuMillisPerSaga);
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> figure) {
        var sorted = runs.stream().mapToDouble(figure).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
