/**
 * Micrometer metrics of sagas and steps: counters, timers and gauges, fed by a
 * {@link dev.saga.spi.SagaListener}.
 */
@NullMarked
package dev.saga.metrics;

import org.jspecify.annotations.NullMarked;
