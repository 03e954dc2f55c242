/**
 * Due work in {@code saga_outbox}: scheduling, claiming with {@code SKIP LOCKED} under a lease,
 * renewing and releasing claims; claiming raises the instance's fencing number.
 */
@NullMarked
package dev.saga.internal.outbox;

import org.jspecify.annotations.NullMarked;
