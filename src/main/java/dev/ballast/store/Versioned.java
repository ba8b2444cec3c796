package dev.ballast.store;

/** A stored value with the version it was read at (for optimistic, compare-and-set updates). */
public record Versioned<T>(T value, long version) {}
