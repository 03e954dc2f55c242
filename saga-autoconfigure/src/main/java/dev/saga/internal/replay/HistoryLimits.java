package dev.saga.internal.replay;

/**
 * How long one run's history may grow.
 *
 * @param warnEntries entries after which a warning is logged once per run
 * @param maxEntries entries after which the next call fails the saga
 */
public record HistoryLimits(int warnEntries, int maxEntries) {
}
