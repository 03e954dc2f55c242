/**
 * Undoing a failed saga: the compensations of its completed steps in reverse order, each retried
 * durably; a compensation that keeps failing leaves the saga FAILED for an operator.
 */
@NullMarked
package dev.saga.internal.compensation;

import org.jspecify.annotations.NullMarked;
