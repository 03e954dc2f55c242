/** Measuring: process CPU of the JVM and of the database's processes, commit counts, latencies. */
package dev.saga.bench.measure;
