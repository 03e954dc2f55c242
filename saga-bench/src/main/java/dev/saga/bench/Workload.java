package dev.saga.bench;

/**
 * One way of running the benchmark's 3-step workflow durably, measured by {@link ThroughputCase}.
 */
public interface Workload {

    /** The case's name in the result line. */
    String name();

    /** The database it writes to, whose commits it is charged with. */
    String database();

    /** Starts a fresh instance (empty tables) sized for the given number of concurrent clients. */
    Session open(int clients) throws Exception;

    /** A running instance. */
    interface Session extends AutoCloseable {

        /** Runs one workflow from its start until its result is observed; called from many threads. */
        void runOne() throws Exception;
    }
}
