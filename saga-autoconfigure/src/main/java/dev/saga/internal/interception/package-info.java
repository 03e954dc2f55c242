/**
 * Finding the annotations on beans as they are created, and proxying {@code @Step} methods so that
 * calls made inside a running saga become durable steps.
 */
@NullMarked
package dev.saga.internal.interception;

import org.jspecify.annotations.NullMarked;
