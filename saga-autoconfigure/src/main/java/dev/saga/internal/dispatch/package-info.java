/**
 * The dispatcher: its lifecycle, the poller that claims due work for free workers, the bounded
 * worker pool and its permits, lease renewal, and the workers held for sagas started here.
 */
@NullMarked
package dev.saga.internal.dispatch;

import org.jspecify.annotations.NullMarked;
