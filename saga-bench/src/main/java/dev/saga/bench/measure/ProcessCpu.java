package dev.saga.bench.measure;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** CPU time of this JVM and of other local processes, in nanoseconds. */
public final class ProcessCpu {

    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** This JVM's CPU time, all threads, user and system. */
    public static long jvmNanos() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getProcessCpuTime();
    }

    /**
     * The CPU time (utime + stime) of each process that still exists; a process that is not on this
     * machine, or has gone, is left out.
     */
    public static Map<Integer, Long> nanosByPid(List<Integer> pids) {
        var nanos = new HashMap<Integer, Long>();
        for (int pid : pids) {
            try {
                var stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
                // the fields after the command name, which is in parentheses and may contain spaces
                var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                nanos.put(pid, ticks * NANOS_PER_TICK);
            } catch (IOException | RuntimeException gone) {
                // not a local process, or it exited: nothing to add
            }
        }
        return nanos;
    }

    /** CPU used between two snapshots; a process only in the second is counted from its start. */
    public static long delta(Map<Integer, Long> before, Map<Integer, Long> after) {
        long total = 0;
        for (var entry : after.entrySet()) {
            total += entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
        }
        return total;
    }

    private static long clockTicksPerSecond() {
        try {
            var process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            var output = new String(process.getInputStream().readAllBytes()).trim();
            return process.waitFor() == 0 ? Long.parseLong(output) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
