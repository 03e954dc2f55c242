/** The chaos node: three saga kinds whose steps record their effects, and the HTTP endpoints that load it. */
package dev.saga.chaos;
