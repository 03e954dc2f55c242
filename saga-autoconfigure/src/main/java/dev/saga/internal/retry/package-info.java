/**
 * Retry policies (Spring's retry vocabulary), how the configuration layers merge into one
 * policy per step, and the durable attempt loop shared by steps and compensations.
 */
@NullMarked
package dev.saga.internal.retry;

import org.jspecify.annotations.NullMarked;
