/**
 * The dispatcher: its lifecycle, the poller that claims due work for free workers, the bounded
 * worker pool, lease renewal and the local wake-up after a start commits.
 */
package dev.saga.internal.dispatch;
