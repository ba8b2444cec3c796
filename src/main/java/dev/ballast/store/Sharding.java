package dev.ballast.store;

/**
 * Which shards this server replica drives now, and the fence its writes for them run under. With several replicas
 * on one PostgreSQL store each holds a share of the {@link Shards}; a lone server (SQLite, or a single replica)
 * holds them all.
 */
public interface Sharding {
    /** A lone server: every shard is its own, and its writes need no fence (nobody else writes for them). */
    Sharding ALL = new Sharding() {
        @Override
        public boolean owns(int shard) {
            return true;
        }

        @Override
        public boolean runFenced(int shard, Runnable body) {
            body.run();
            return true;
        }
    };

    /** True when this replica drives the work of {@code shard} now. */
    boolean owns(int shard);

    /**
     * Runs {@code body} under the fence of {@code shard} — every store transaction it opens is refused
     * ({@link FencedException}) once the shard has moved — and answers true; answers false without running it
     * when this replica does not hold the shard now.
     */
    boolean runFenced(int shard, Runnable body);

    /** True when this replica drives the work of {@code key}'s shard ({@link Shards#of}) now. */
    default boolean owns(String key) {
        return owns(Shards.of(key));
    }

    /** {@link #runFenced(int, Runnable)} for {@code key}'s shard. */
    default boolean runFenced(String key, Runnable body) {
        return runFenced(Shards.of(key), body);
    }

    /** Whether this replica drives the installation-wide jobs now (it holds {@link Shards#FIRST}). */
    default boolean ownsFirst() {
        return owns(Shards.FIRST);
    }
}
