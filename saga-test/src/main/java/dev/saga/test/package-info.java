/**
 * The test kit: {@link dev.saga.test.SagaTest} on a {@code @SpringBootTest} gives the test a
 * {@link dev.saga.test.SagaTestKit} that moves the engine's clock, stubs steps and crashes the
 * node, and {@link dev.saga.test.SagaAssertions#assertThatSaga} to check what happened.
 */
@NullMarked
package dev.saga.test;

import org.jspecify.annotations.NullMarked;
