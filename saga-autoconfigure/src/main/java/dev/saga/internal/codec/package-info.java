/**
 * Payloads (inputs, arguments, results) to and from JSON through the application's Jackson mapper.
 */
package dev.saga.internal.codec;
