package dev.saga.bench;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;

/** The context lines printed before the results: machine, JVM, server and settings. */
final class MachineInfo {

    private MachineInfo() {
    }

    static String describe(Postgres postgres, BenchSettings settings) throws SQLException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return "# " + Runtime.getRuntime().availableProcessors() + " cores, "
                + os.getTotalMemorySize() / (1024 * 1024 * 1024) + " GiB; JDK " + Runtime.version() + " ("
                + System.getProperty("java.vm.name") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB; PostgreSQL " + postgres.version()
                + " at " + postgres.url("") + "\n# " + settings;
    }
}
