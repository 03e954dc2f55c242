/**
 * Finding the annotations on beans as they are created, and proxying {@code @Step} methods so that
 * calls made inside a running saga become durable steps.
 */
package dev.saga.internal.interception;
