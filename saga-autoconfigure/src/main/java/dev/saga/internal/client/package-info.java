/**
 * The {@link dev.saga.SagaClient} implementation: starting sagas inside the caller's transaction
 * and reading their state.
 */
package dev.saga.internal.client;
