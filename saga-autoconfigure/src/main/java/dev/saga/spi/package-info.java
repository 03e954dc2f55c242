/**
 * Extension points between the public API and the engine. Applications rarely need these.
 */
package dev.saga.spi;
