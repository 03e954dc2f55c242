/**
 * The determinism check at startup: reads the byte code of saga and step classes (with Spring's
 * ASM) and finds the calls that would break replay, each with its class, method and line.
 */
@NullMarked
package dev.saga.internal.determinism;

import org.jspecify.annotations.NullMarked;
