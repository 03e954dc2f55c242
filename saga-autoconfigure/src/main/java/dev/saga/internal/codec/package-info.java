/**
 * Payloads (inputs, arguments, results) to and from JSON through the application's Jackson mapper.
 */
@NullMarked
package dev.saga.internal.codec;

import org.jspecify.annotations.NullMarked;
