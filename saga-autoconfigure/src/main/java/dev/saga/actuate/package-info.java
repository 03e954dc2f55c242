/**
 * Operating sagas with Spring Boot Actuator: the {@code sagas} endpoint and health indicator. They
 * use the public API ({@link dev.saga.SagaClient}) only.
 */
package dev.saga.actuate;
