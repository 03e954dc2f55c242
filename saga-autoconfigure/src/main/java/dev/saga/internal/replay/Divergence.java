package dev.saga.internal.replay;

import org.jspecify.annotations.Nullable;

/**
 * Where a replay left the recorded history: at {@code seq}, the history recorded one call and the
 * code asks for another (or cannot read what was recorded).
 *
 * @param seq the sequence number
 * @param recorded what the history has there, such as {@code STEP 'shop.reserve'}
 * @param found what the code does there now
 * @param note a hint about the cause (a {@code Sagas.patched} marker, say), or {@code null}
 */
record Divergence(int seq, String recorded, String found, @Nullable String note) {
}
