/**
 * Extension points between the public API and the engine. Applications rarely need these.
 */
@NullMarked
package dev.saga.spi;

import org.jspecify.annotations.NullMarked;
