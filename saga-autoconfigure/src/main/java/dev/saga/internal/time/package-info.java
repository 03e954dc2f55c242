/**
 * The engine's clock: one source of time for everything the engine schedules.
 */
package dev.saga.internal.time;
