/**
 * The public API: annotations, {@link dev.saga.SagaClient}, {@link dev.saga.Sagas}, options,
 * views and the exceptions a user may catch. Everything else is internal.
 */
@NullMarked
package dev.saga;

import org.jspecify.annotations.NullMarked;
