/**
 * Retention: deleting finished sagas (with their ledger and signals) in bounded batches once they
 * are older than configured per outcome.
 */
package dev.saga.internal.retention;
