/**
 * This node, as starts and waiting callers see it: the worker a start may hand its saga to, the
 * wake-up after a commit, and the completions that callers waiting here are told of.
 */
@NullMarked
package dev.saga.internal.node;

import org.jspecify.annotations.NullMarked;
