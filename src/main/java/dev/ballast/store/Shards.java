package dev.ballast.store;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The fixed division of the controllers' keyspace into shards: a key (a service ARN, a container instance ARN,
 * an image repository…) belongs to shard {@code crc32(key) mod COUNT}, the same on every replica and JVM. The
 * count is fixed for an installation (changing it would move keys between shards while replicas disagree).
 */
public final class Shards {
    /** How many shards the keyspace has: enough for an even split over a few replicas (64 / 3 = 21 or 22 each). */
    public static final int COUNT = 64;
    /**
     * The shard whose holder also runs the installation-wide jobs that are not divided by key (e.g. the stopped-task
     * purge): always held by exactly one live replica, like every shard.
     */
    public static final int FIRST = 0;

    private Shards() {}

    /** The shard of {@code key}, in {@code [0, COUNT)}. */
    public static int of(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % COUNT);
    }
}
