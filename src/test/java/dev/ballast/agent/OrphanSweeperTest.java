package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.AgentTest.ScriptedRuntime;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When sweeps are due is read from the agent's clock: the test moves it past {@link OrphanSweeper#INTERVAL}
 * instead of waiting the interval out.
 */
class OrphanSweeperTest {
    /** Shorter than the interval: only moving the clock can make the second sweep due this soon. */
    private static final Duration WAIT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void a_sweep_is_due_at_start_and_then_once_the_clock_has_moved_by_the_interval() throws Exception {
        ScriptedRuntime runtime = new ScriptedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(
                        AgentTest.INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow first = tasks.place(AgentTest.INSTANCE, "127.0.0.1:1/app:v1");
            TaskRow second = tasks.place(AgentTest.INSTANCE, "127.0.0.1:1/app:v1");
            Tasks.settle(agent);
            OrphanSweeper sweeper = new OrphanSweeper(agent, clock);

            stopWithoutAgent(store, first, clock);
            assertThat(sweeper.maybeSweep()).as("the first call sweeps").isTrue();
            String firstId = tasks.get(first).containers().get(0).runtimeId();
            Eventually.await("first orphan removed", WAIT, () -> runtime.removed.contains(firstId));

            stopWithoutAgent(store, second, clock);
            clock.advance(OrphanSweeper.INTERVAL.minusMillis(1));
            assertThat(sweeper.maybeSweep())
                    .as("not due before the interval has passed by the clock")
                    .isFalse();

            clock.advance(Duration.ofMillis(1));
            // the first sweep's thread may still be ending: due now, it starts as soon as that one has
            Eventually.await("second sweep started", WAIT, sweeper::maybeSweep);
            String secondId = tasks.get(second).containers().get(0).runtimeId();
            Eventually.await("second orphan removed", WAIT, () -> runtime.removed.contains(secondId));
        }
    }

    private static void stopWithoutAgent(Store store, TaskRow t, MutableClock clock) {
        var read = store.tasks().find(t.arn()).orElseThrow();
        assertThat(store.tasks()
                        .update(
                                InstanceHealth.stoppedWithoutAgent(
                                        read.value(), "InfrastructureHealth", "gone", clock.millis()),
                                read.version()))
                .isTrue();
    }
}
