/**
 * Telling the application's {@link dev.saga.spi.SagaListener}s what happened, and making saga runs and
 * steps observable (Micrometer Observation: spans when tracing is on).
 */
@NullMarked
package dev.saga.internal.events;

import org.jspecify.annotations.NullMarked;
