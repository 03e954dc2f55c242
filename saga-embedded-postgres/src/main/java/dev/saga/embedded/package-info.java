/**
 * A PostgreSQL server started by the application's JVM, for development and tests only: see
 * {@link dev.saga.embedded.DevelopmentDatabase}.
 */
@NullMarked
package dev.saga.embedded;

import org.jspecify.annotations.NullMarked;
