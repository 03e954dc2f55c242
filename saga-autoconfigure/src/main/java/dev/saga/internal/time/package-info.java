/**
 * The engine's clock: one source of time for everything the engine schedules.
 */
@NullMarked
package dev.saga.internal.time;

import org.jspecify.annotations.NullMarked;
