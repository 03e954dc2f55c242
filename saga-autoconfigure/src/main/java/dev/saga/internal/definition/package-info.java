/**
 * The sagas, steps and compensations found at startup: their definitions (records), the
 * validation that lists every misuse at once, and the registry the engine looks them up in.
 */
@NullMarked
package dev.saga.internal.definition;

import org.jspecify.annotations.NullMarked;
