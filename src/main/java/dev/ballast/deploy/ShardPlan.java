package dev.ballast.deploy;

import dev.ballast.store.ShardLeases.ShardRow;
import dev.ballast.store.Shards;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which shards a replica should hold, give up and take (pure): every live replica's fair share is
 * {@code COUNT / n} shards, the first {@code COUNT % n} of them (by holder, in order) one more, so the shares add up
 * to exactly {@link Shards#COUNT}. A replica over its share gives up its highest-numbered shards; one under it takes
 * shards that are free or held by a replica that is no longer live, starting at an offset of its own so that two
 * replicas short of shards try different ones first. Shards held by a live replica are never taken: it gives them
 * up itself when its share shrinks, and they are taken at the next pass.
 */
public final class ShardPlan {
    private ShardPlan() {}

    /**
     * @param target how many shards this replica should hold
     * @param held the shards it holds now, with their fencing tokens (those in {@code release} included)
     * @param release the shards it should give up
     * @param take the shards it should try to take
     */
    public record Plan(int target, Map<Integer, Long> held, List<Integer> release, List<Integer> take) {}

    /** This replica's fair share among {@code live} replicas (holders; {@code self} is one of them). */
    public static int share(String self, Collection<String> live) {
        List<String> sorted = live.stream().sorted().distinct().toList();
        int rank = sorted.indexOf(self);
        if (rank < 0) {
            throw new IllegalArgumentException(self + " is not among the live replicas " + sorted);
        }
        int n = sorted.size();
        return Shards.COUNT / n + (rank < Shards.COUNT % n ? 1 : 0);
    }

    /** The plan of {@code self}, given the live replicas (holders, {@code self} included) and every shard's row. */
    public static Plan plan(String self, Set<String> live, List<ShardRow> shards) {
        int target = share(self, live);
        Map<Integer, Long> held = new TreeMap<>();
        List<Integer> free = new ArrayList<>();
        for (ShardRow row : shards) {
            if (row.heldBy(self)) {
                held.put(row.shard(), row.token());
            } else if (row.holder() == null || !live.contains(row.holder())) {
                free.add(row.shard());
            }
        }
        List<Integer> release = new ArrayList<>();
        List<Integer> take = new ArrayList<>();
        if (held.size() > target) {
            List<Integer> mine = new ArrayList<>(held.keySet());
            release.addAll(mine.subList(target, mine.size()));
        } else if (held.size() < target && !free.isEmpty()) {
            int rank = live.stream().sorted().toList().indexOf(self);
            int offset = rank * Shards.COUNT / live.size();
            free.sort((a, b) -> Integer.compare(rotated(a, offset), rotated(b, offset)));
            take.addAll(free.subList(0, Math.min(free.size(), target - held.size())));
        }
        return new Plan(target, held, release, take);
    }

    private static int rotated(int shard, int offset) {
        return Math.floorMod(shard - offset, Shards.COUNT);
    }
}
