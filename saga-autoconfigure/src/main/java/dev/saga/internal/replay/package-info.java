/**
 * Replay execution: runs a saga's entry method, hands each step and primitive the next sequence
 * number, returns recorded outcomes and records new ones, and suspends the run when it must wait.
 */
@NullMarked
package dev.saga.internal.replay;

import org.jspecify.annotations.NullMarked;
