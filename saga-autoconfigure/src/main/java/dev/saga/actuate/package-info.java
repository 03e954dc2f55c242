/**
 * Operating sagas with Spring Boot Actuator: the {@code sagas} endpoint with its web extension, and
 * the health indicator. They use the public API ({@link dev.saga.SagaClient}) only.
 */
@NullMarked
package dev.saga.actuate;

import org.jspecify.annotations.NullMarked;
