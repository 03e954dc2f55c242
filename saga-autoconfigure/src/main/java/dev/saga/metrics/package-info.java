/**
 * Micrometer metrics of sagas and steps: counters, timers and gauges, fed by a
 * {@link dev.saga.spi.SagaListener}.
 */
package dev.saga.metrics;
