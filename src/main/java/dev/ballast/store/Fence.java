package dev.ballast.store;

import java.util.Objects;

/**
 * What a controller write acts under: shard {@code shard} held by {@code holder} with fencing token {@code token}.
 * While a fence is set on a thread ({@link Store#fenced}), every transaction the store opens on it first checks,
 * inside that transaction, that the shard's row still names this holder and token, and is refused with a
 * {@link FencedException} otherwise; on PostgreSQL the check takes a share lock on the row, so the shard cannot
 * change hands until the write has committed or rolled back.
 */
public record Fence(int shard, String holder, long token) {
    public Fence {
        Objects.requireNonNull(holder, "holder");
        if (shard < 0 || shard >= Shards.COUNT) {
            throw new IllegalArgumentException("shard out of range: " + shard);
        }
    }
}
