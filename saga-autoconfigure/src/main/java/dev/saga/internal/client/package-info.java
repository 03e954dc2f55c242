/**
 * The {@link dev.saga.SagaClient} and {@link dev.saga.SagaOperations} implementations: starting,
 * signalling, cancelling and retrying sagas in the caller's transaction, reading their state as
 * views, and waiting for their outcome.
 */
@NullMarked
package dev.saga.internal.client;

import org.jspecify.annotations.NullMarked;
