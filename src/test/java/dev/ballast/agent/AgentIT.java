package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.image.Digest;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent with the simulated runtime against the real CNCF registry (through a counting proxy) and a real
 * SQLite store; the test plays the scheduler by inserting tasks and setting desiredStatus.
 */
class AgentIT {

    static final String INSTANCE =
            "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "0123456789abcdef0123456789abcdef";

    static RegistryFixture registry;
    static ScriptedServer proxy;
    static RegistryClient client;
    static Digest v1;
    static Digest v2;

    @TempDir
    Path dir;

    MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Store store;
    Tasks tasks;
    CountingRuntime runtime;
    Agent agent;

    @BeforeAll
    static void startRegistry() {
        registry = RegistryFixture.start();
        proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
        client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        v1 = registry.images().push("demo/app:v1", Format.OCI, "app-v1");
        v2 = registry.images().push("demo/app:v2", Format.DOCKER, "app-v2");
    }

    @AfterAll
    static void stopRegistry() {
        proxy.close();
        registry.close();
    }

    @BeforeEach
    void openStore() {
        store = Store.openSqlite(dir, clock);
        tasks = new Tasks(store);
        runtime = new CountingRuntime(new SimulatedRuntime(INSTANCE, client));
        agent = new Agent(INSTANCE, Tasks.source(store), runtime, meters, clock, 4);
    }

    @AfterEach
    void closeStore() {
        agent.close();
        store.close();
    }

    /** {@code <proxy>/repoTag}: references that go through the counting proxy. */
    static String image(String repoTag) {
        return proxy.host() + "/" + repoTag;
    }

    static long manifestRequests() {
        return proxy.count(ForwardingScript::isManifest);
    }

    @Test
    void a_pinned_task_runs_with_the_pinned_digest() throws Exception {
        TaskRow placed = tasks.place(INSTANCE, image("demo/app:v1@" + v1));
        agent.reconcileOnce();
        TaskRow pending = tasks.get(placed);
        assertThat(pending.lastStatus()).isEqualTo("PENDING");
        assertThat(pending.pullStartedAt()).isEqualTo(clock.millis());
        clock.advance(Duration.ofSeconds(2));
        Tasks.settle(agent);

        TaskRow running = tasks.get(placed);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.desiredStatus()).isEqualTo("RUNNING");
        assertThat(running.pullStoppedAt()).isEqualTo(clock.millis());
        assertThat(running.startedAt()).isEqualTo(clock.millis());
        ContainerRow c = running.containers().get(0);
        assertThat(c.lastStatus()).isEqualTo("RUNNING");
        assertThat(c.imageDigest()).isEqualTo(v1.toString());
        assertThat(c.image()).isEqualTo(image("demo/app:v1"));
        assertThat(c.runtimeId()).matches("[0-9a-f]{64}");
    }

    @Test
    void a_tag_task_runs_with_the_digest_the_tag_points_to_now() throws Exception {
        TaskRow placed = tasks.place(INSTANCE, image("demo/app:v2"));
        Tasks.settle(agent);
        TaskRow running = tasks.get(placed);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.containers().get(0).imageDigest())
                .isEqualTo(registry.images().inspectDigest("demo/app:v2").toString())
                .isEqualTo(v2.toString());
    }

    @Test
    void after_the_tag_moves_a_tag_task_gets_the_new_digest_and_a_pinned_task_keeps_the_old() throws Exception {
        Digest before = registry.images().push("demo/moving:latest", Format.OCI, "moving-1");
        TaskRow first = tasks.place(INSTANCE, image("demo/moving:latest"));
        Tasks.settle(agent);
        assertThat(tasks.get(first).containers().get(0).imageDigest()).isEqualTo(before.toString());

        Digest after = registry.images().push("demo/moving:latest", Format.OCI, "moving-2");
        assertThat(after).isNotEqualTo(before);
        TaskRow byTag = tasks.place(INSTANCE, image("demo/moving:latest"));
        TaskRow pinned = tasks.place(INSTANCE, image("demo/moving:latest@" + before));
        Tasks.settle(agent);

        assertThat(tasks.get(byTag).containers().get(0).imageDigest())
                .isEqualTo(registry.images().inspectDigest("demo/moving:latest").toString())
                .isEqualTo(after.toString());
        assertThat(tasks.get(pinned).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(pinned).containers().get(0).imageDigest()).isEqualTo(before.toString());
        assertThat(tasks.get(first).containers().get(0).imageDigest()).isEqualTo(before.toString());
    }

    @Test
    void a_deleted_pinned_digest_stops_the_task_with_cannot_pull_container_error() throws Exception {
        Digest doomed = registry.images().push("demo/doomed:v1", Format.OCI, "doomed");
        registry.images().delete("demo/doomed", doomed);
        String launch = image("demo/doomed:v1@" + doomed);
        TaskRow placed = tasks.place(INSTANCE, launch);
        Tasks.settle(agent);

        TaskRow stopped = tasks.get(placed);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .startsWith("CannotPullContainerError: pull image manifest")
                .contains(launch)
                .contains("manifest unknown");
        assertThat(stopped.stoppedAt()).isNotNull();
        assertThat(stopped.startedAt()).isNull();
        ContainerRow c = stopped.containers().get(0);
        assertThat(c.lastStatus()).isEqualTo("STOPPED");
        assertThat(c.reason())
                .startsWith("CannotPullContainerError: ")
                .contains("demo/doomed:v1")
                .contains(doomed.toString())
                .contains("manifest unknown")
                .contains("MANIFEST_UNKNOWN");
        assertThat(runtime.starts).isEmpty();
        assertThat(meters.scrape())
                .contains("ballast_agent_pulls_total{outcome=\"NOT_FOUND\",runtime=\"simulated\"} 1.0");
    }

    @Test
    void a_task_wanted_stopped_before_it_ran_stops_without_pulling() throws Exception {
        long before = manifestRequests();
        TaskRow placed = tasks.place(INSTANCE, image("demo/app:v1@" + v1));
        tasks.stop(placed);
        Tasks.settle(agent);
        TaskRow stopped = tasks.get(placed);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo("UserInitiated");
        assertThat(stopped.containers()).extracting(ContainerRow::lastStatus).containsExactly("STOPPED");
        assertThat(stopped.pullStartedAt()).isNull();
        assertThat(manifestRequests()).isEqualTo(before);
        assertThat(runtime.starts).isEmpty();
    }

    @Test
    void a_running_task_wanted_stopped_stops_through_stopping_with_exit_code_zero() throws Exception {
        TaskRow placed = tasks.place(INSTANCE, image("demo/app:v1@" + v1), image("demo/app:v2"));
        Tasks.settle(agent);
        assertThat(tasks.get(placed).lastStatus()).isEqualTo("RUNNING");
        tasks.stop(placed);
        clock.advance(Duration.ofSeconds(5));
        agent.reconcileOnce();
        TaskRow stopping = tasks.get(placed);
        assertThat(stopping.lastStatus()).isEqualTo("STOPPING");
        assertThat(stopping.stoppingAt()).isEqualTo(clock.millis());
        clock.advance(Duration.ofSeconds(1));
        agent.reconcileOnce();
        assertThat(agent.awaitPulls(Duration.ofSeconds(20)))
                .as("the stop, run off the pass, ended")
                .isTrue();

        TaskRow stopped = tasks.get(placed);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stoppedAt()).isEqualTo(clock.millis());
        assertThat(stopped.stopCode()).isEqualTo("UserInitiated");
        assertThat(stopped.containers()).allSatisfy(c -> {
            assertThat(c.lastStatus()).isEqualTo("STOPPED");
            assertThat(c.exitCode()).isZero();
        });
        assertThat(runtime.stops).hasSize(2);
        assertThat(store.tasks().forInstance(INSTANCE)).isEmpty();
    }

    @Test
    void two_tasks_with_the_same_pinned_digest_make_one_manifest_request() throws Exception {
        Digest d = registry.images().push("demo/cached:v1", Format.OCI, "cached");
        long before = manifestRequests();
        TaskRow a = tasks.place(INSTANCE, image("demo/cached:v1@" + d));
        Tasks.settle(agent);
        TaskRow b = tasks.place(INSTANCE, image("demo/cached:v1@" + d));
        TaskRow c = tasks.place(INSTANCE, image("demo/cached:v1@" + d));
        Tasks.settle(agent);

        assertThat(List.of(tasks.get(a), tasks.get(b), tasks.get(c))).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("RUNNING");
            assertThat(t.containers().get(0).imageDigest()).isEqualTo(d.toString());
        });
        assertThat(manifestRequests() - before).isEqualTo(1);
        assertThat(proxy.received())
                .filteredOn(ForwardingScript::isManifest)
                .filteredOn(r -> r.path().contains("demo/cached"))
                .extracting(ScriptedServer.Received::path)
                .containsExactly("/v2/demo/cached/manifests/" + d);
        String scrape = meters.scrape();
        assertThat(scrape)
                .contains("ballast_agent_image_cache_hits_total{runtime=\"simulated\"} 2.0")
                .contains("ballast_agent_pulls_total{outcome=\"SUCCESS\",runtime=\"simulated\"} 1.0")
                .contains("ballast_agent_pulls_total{outcome=\"CACHED\",runtime=\"simulated\"} 2.0");
    }

    @Test
    void a_tag_still_asks_the_registry_once_per_pull_even_when_its_digest_is_cached() throws Exception {
        Digest d = registry.images().push("demo/tagged:v1", Format.OCI, "tagged");
        long before = manifestRequests();
        TaskRow a = tasks.place(INSTANCE, image("demo/tagged:v1"));
        Tasks.settle(agent);
        TaskRow b = tasks.place(INSTANCE, image("demo/tagged:v1"));
        TaskRow pinned = tasks.place(INSTANCE, image("demo/tagged:v1@" + d));
        Tasks.settle(agent);
        assertThat(List.of(tasks.get(a), tasks.get(b), tasks.get(pinned)))
                .allSatisfy(t -> assertThat(t.containers().get(0).imageDigest()).isEqualTo(d.toString()));
        assertThat(manifestRequests() - before).isEqualTo(2);
    }

    @Test
    void an_index_is_reported_by_its_own_digest_after_fetching_the_hosts_platform_manifest() throws Exception {
        Digest index = registry.images().pushIndex("demo/multi:v1", Format.OCI, "multi");
        long before = manifestRequests();
        TaskRow placed = tasks.place(INSTANCE, image("demo/multi:v1@" + index));
        Tasks.settle(agent);
        assertThat(tasks.get(placed).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(placed).containers().get(0).imageDigest()).isEqualTo(index.toString());
        assertThat(manifestRequests() - before).isEqualTo(2); // the index, then the linux/amd64 manifest
    }

    @Test
    void passes_repeated_or_concurrent_never_launch_a_container_twice() throws Exception {
        Digest d = registry.images().push("demo/race:v1", Format.OCI, "race");
        List<TaskRow> placed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            placed.add(tasks.place(INSTANCE, image("demo/race:v1@" + d), image("demo/app:v2")));
        }
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
            List<Future<?>> passes = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                passes.add(threads.submit(() -> {
                    go.await();
                    Tasks.settle(agent);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : passes) {
                f.get();
            }
        }
        // and a restarted agent (new runtime, same store) launches nothing that already runs
        CountingRuntime afterRestart = new CountingRuntime(new SimulatedRuntime(INSTANCE, client));
        try (Agent restarted = new Agent(INSTANCE, Tasks.source(store), afterRestart, meters, clock, 4)) {
            Tasks.settle(restarted);
        }

        assertThat(placed).allSatisfy(t -> assertThat(tasks.get(t).lastStatus()).isEqualTo("RUNNING"));
        assertThat(runtime.starts)
                .hasSize(24)
                .allSatisfy((arn, n) -> assertThat(n.get()).as(arn).isEqualTo(1));
        assertThat(afterRestart.starts).isEmpty();
        assertThat(placed.stream()
                        .flatMap(t -> tasks.get(t).containers().stream())
                        .map(ContainerRow::runtimeId)
                        .distinct())
                .hasSize(24);
    }

    @Test
    void a_wanted_stop_that_races_the_launch_still_ends_stopped() throws Exception {
        TaskRow placed = tasks.place(INSTANCE, image("demo/app:v1@" + v1));
        agent.reconcileOnce();
        assertThat(agent.awaitPulls(Duration.ofSeconds(20))).isTrue();
        tasks.stop(placed); // the pull is done but not yet reported
        Tasks.settle(agent);
        TaskRow stopped = tasks.get(placed);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo("UserInitiated");
        assertThat(runtime.starts).isEmpty();
    }

    /** Counts what the agent asks of the runtime, per container ARN. */
    static final class CountingRuntime implements ContainerRuntime {
        final ContainerRuntime delegate;
        final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> stops = new ConcurrentHashMap<>();

        CountingRuntime(ContainerRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String description() {
            return delegate.description();
        }

        @Override
        public Map<String, String> attributes() {
            return delegate.attributes();
        }

        @Override
        public PullResult pull(String launchImage, Optional<Credential> credentials) {
            return delegate.pull(launchImage, credentials);
        }

        @Override
        public String start(AgentTask task, AgentContainer container) {
            starts.computeIfAbsent(container.containerArn(), k -> new AtomicInteger())
                    .incrementAndGet();
            return delegate.start(task, container);
        }

        @Override
        public void stop(String runtimeId, Duration timeout) {
            stops.computeIfAbsent(runtimeId, k -> new AtomicInteger()).incrementAndGet();
            delegate.stop(runtimeId, timeout);
        }

        @Override
        public Optional<ExitStatus> status(String runtimeId) {
            return delegate.status(runtimeId);
        }
    }
}
