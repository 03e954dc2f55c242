package dev.saga.chaos;

/** The input of every chaos saga: its business key, unique per saga. */
public record ChaosInput(String key) {
}
