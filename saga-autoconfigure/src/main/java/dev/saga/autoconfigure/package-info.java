/**
 * Spring Boot auto-configuration of the saga engine: properties, schema migration, the engine's
 * beans and startup validation. Every bean backs off when the application defines its own.
 */
@NullMarked
package dev.saga.autoconfigure;

import org.jspecify.annotations.NullMarked;
