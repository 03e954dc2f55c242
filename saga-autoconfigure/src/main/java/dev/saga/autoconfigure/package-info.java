/**
 * Spring Boot auto-configuration of the saga engine: properties, schema migration, the engine's
 * beans and startup validation. Every bean backs off when the application defines its own.
 */
package dev.saga.autoconfigure;
