package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.CapacityProviderStrategyItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Capacity#split}: ECS's base-then-weight division of new tasks over a capacity provider strategy, counting
 * the tasks each provider already has, so scale-outs keep the ratio.
 */
class CapacitySplitTest {
    private static CapacityProviderStrategyItem item(String name, int weight, int base) {
        return new CapacityProviderStrategyItem(name, weight, base);
    }

    /** Adds {@code count} tasks one launch at a time ({@code step} per launch), as a service scaling out would. */
    private static int[] scaleOut(List<CapacityProviderStrategyItem> strategy, int[] current, int count, int step) {
        int[] have = current.clone();
        for (int done = 0; done < count; done += step) {
            int[] added = Capacity.split(strategy, have, Math.min(step, count - done));
            for (int i = 0; i < have.length; i++) {
                have[i] += added[i];
            }
        }
        return have;
    }

    @Test
    void baseFirstThenTheRestByWeight() {
        List<CapacityProviderStrategyItem> s = List.of(item("a", 1, 2), item("b", 3, 0));
        assertThat(Capacity.split(s, new int[2], 1)).containsExactly(1, 0);
        assertThat(Capacity.split(s, new int[2], 2)).containsExactly(2, 0);
        assertThat(Capacity.split(s, new int[2], 6)).containsExactly(3, 3);
        assertThat(Capacity.split(s, new int[2], 10)).containsExactly(4, 6);
    }

    @Test
    void theBaseCountsTasksAlreadyRunning() {
        List<CapacityProviderStrategyItem> s = List.of(item("a", 1, 2), item("b", 3, 0));
        // a already has its base: the new tasks go by weight alone
        assertThat(Capacity.split(s, new int[] {2, 0}, 4)).containsExactly(1, 3);
        // one short of its base: the first new task fills it
        assertThat(Capacity.split(s, new int[] {1, 5}, 1)).containsExactly(1, 0);
    }

    @Test
    void scaleOutsKeepTheRatio() {
        List<CapacityProviderStrategyItem> s = List.of(item("a", 1, 0), item("b", 4, 0));
        for (int step : new int[] {1, 2, 3, 5, 7}) {
            int[] have = new int[2];
            for (int total = 5; total <= 30; total += 5) {
                have = scaleOut(s, have, 5, step);
                assertThat(have)
                        .as("%d tasks added %d at a time", total, step)
                        .containsExactly(total / 5, total / 5 * 4);
            }
        }
        // and the same as launching them all at once
        assertThat(Capacity.split(s, new int[2], 30)).containsExactly(6, 24);
    }

    @Test
    void aScaleOutAfterAnUnevenStartCatchesUp() {
        List<CapacityProviderStrategyItem> s = List.of(item("a", 1, 0), item("b", 1, 0));
        // b lost tasks (say its pool was short): new tasks go to b until the ratio is back
        assertThat(Capacity.split(s, new int[] {4, 1}, 3)).containsExactly(0, 3);
        assertThat(Capacity.split(s, new int[] {4, 1}, 5)).containsExactly(1, 4);
    }

    @Test
    void aWeightZeroProviderGetsNothingBeyondItsBase() {
        List<CapacityProviderStrategyItem> zero = List.of(item("a", 0, 0), item("b", 1, 0));
        assertThat(Capacity.split(zero, new int[2], 5)).containsExactly(0, 5);

        List<CapacityProviderStrategyItem> baseOnZero = List.of(item("a", 0, 2), item("b", 1, 0));
        assertThat(Capacity.split(baseOnZero, new int[2], 5)).containsExactly(2, 3);
        assertThat(scaleOut(baseOnZero, new int[2], 8, 1)).containsExactly(2, 6);
        assertThat(Capacity.split(baseOnZero, new int[] {2, 3}, 3)).containsExactly(0, 3);
    }

    @Test
    void aBaseAnywhereInTheStrategyIsFilledFirst() {
        List<CapacityProviderStrategyItem> s = List.of(item("a", 2, 0), item("b", 1, 3));
        assertThat(Capacity.split(s, new int[2], 3)).containsExactly(0, 3);
        assertThat(Capacity.split(s, new int[2], 6)).containsExactly(2, 4);
    }

    @Test
    void aSingleProviderTakesEveryTaskWhateverItsWeight() {
        assertThat(Capacity.split(List.of(item("a", 0, 0)), new int[1], 4)).containsExactly(4);
        assertThat(Capacity.split(List.of(item("a", 5, 1)), new int[1], 4)).containsExactly(4);
    }
}
