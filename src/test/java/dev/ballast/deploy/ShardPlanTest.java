package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.store.ShardLeases.ShardRow;
import dev.ballast.store.Shards;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@link ShardPlan}: fair shares that add up to every shard, rebalancing by giving up and taking, never stealing. */
class ShardPlanTest {

    @Test
    void sharesAddUpToEveryShardAndDifferByAtMostOne() {
        for (int n = 1; n <= 10; n++) {
            List<String> live = IntStream.range(0, n).mapToObj(i -> "r" + i).toList();
            List<Integer> shares =
                    live.stream().map(r -> ShardPlan.share(r, live)).toList();
            assertThat(shares.stream().mapToInt(Integer::intValue).sum()).isEqualTo(Shards.COUNT);
            assertThat(shares.stream().mapToInt(Integer::intValue).max().orElseThrow()
                            - shares.stream().mapToInt(Integer::intValue).min().orElseThrow())
                    .isLessThanOrEqualTo(1);
        }
        assertThatThrownBy(() -> ShardPlan.share("x", List.of("a"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLoneReplicaTakesEveryFreeShard() {
        ShardPlan.Plan plan = ShardPlan.plan("a", Set.of("a"), rows(Map.of()));
        assertThat(plan.target()).isEqualTo(Shards.COUNT);
        assertThat(plan.take()).hasSize(Shards.COUNT);
        assertThat(plan.release()).isEmpty();
    }

    @Test
    void aJoiningReplicaMakesTheHolderGiveUpHalfAndTakesThemOnceFree() {
        Map<Integer, String> holders = new HashMap<>();
        IntStream.range(0, Shards.COUNT).forEach(s -> holders.put(s, "a"));
        ShardPlan.Plan b = ShardPlan.plan("b", Set.of("a", "b"), rows(holders));
        assertThat(b.take())
                .as("nothing is free: a live replica's shards are never taken")
                .isEmpty();
        ShardPlan.Plan a = ShardPlan.plan("a", Set.of("a", "b"), rows(holders));
        assertThat(a.release()).hasSize(Shards.COUNT / 2).doesNotContain(Shards.FIRST);
        a.release().forEach(holders::remove);
        ShardPlan.Plan b2 = ShardPlan.plan("b", Set.of("a", "b"), rows(holders));
        assertThat(b2.take()).containsExactlyInAnyOrderElementsOf(a.release());
    }

    @Test
    void theShardsOfAReplicaNoLongerLiveAreSharedByTheOthers() {
        Map<Integer, String> holders = new HashMap<>();
        List<String> three = List.of("a", "b", "c");
        for (int s = 0; s < Shards.COUNT; s++) {
            holders.put(s, three.get(s % 3));
        }
        Set<String> live = Set.of("a", "b"); // c died
        ShardPlan.Plan a = ShardPlan.plan("a", live, rows(holders));
        ShardPlan.Plan b = ShardPlan.plan("b", live, rows(holders));
        assertThat(a.target() + b.target()).isEqualTo(Shards.COUNT);
        Set<Integer> taken = new HashSet<>(a.take());
        taken.addAll(b.take());
        Set<Integer> ofC = new HashSet<>();
        holders.forEach((s, h) -> {
            if (h.equals("c")) {
                ofC.add(s);
            }
        });
        assertThat(taken).as("between them they try every shard of c").isEqualTo(ofC);
        assertThat(a.take())
                .doesNotContainAnyElementsOf(holders.entrySet().stream()
                        .filter(e -> e.getValue().equals("b"))
                        .map(Map.Entry::getKey)
                        .toList());
        assertThat(a.held()).hasSize(22);
    }

    private static List<ShardRow> rows(Map<Integer, String> holders) {
        List<ShardRow> rows = new ArrayList<>();
        for (int s = 0; s < Shards.COUNT; s++) {
            rows.add(new ShardRow(s, holders.get(s), holders.containsKey(s) ? 1 : 0));
        }
        return rows;
    }
}
