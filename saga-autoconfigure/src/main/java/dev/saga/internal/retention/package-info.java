/**
 * Retention: deleting finished sagas (with their ledger and signals) in bounded batches once they
 * are older than configured per outcome.
 */
@NullMarked
package dev.saga.internal.retention;

import org.jspecify.annotations.NullMarked;
