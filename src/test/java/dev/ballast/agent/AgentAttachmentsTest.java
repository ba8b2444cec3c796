package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.registry.Credential;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's part of an awsvpc task's attachment, against a real SQLite store and a scripted runtime whose address
 * answers the test decides: ATTACHED with the address once the runtime tells it (asked again on later passes until
 * then), DELETED when the task stops, and the server's fields untouched.
 */
class AgentAttachmentsTest {

    static final String INSTANCE = AgentTest.INSTANCE;

    @TempDir
    Path dir;

    static final EniAttachment PRECREATED = new EniAttachment(
            "att-1", AttachmentStatus.PRECREATED, "eni-1", "subnet-a", List.of("sg-a"), "net-a", null, null);

    @Test
    void the_address_is_recorded_attached_once_the_runtime_tells_it_and_deleted_when_the_task_stops() throws Exception {
        AddressedRuntime runtime = new AddressedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow placed = awsvpc(store, tasks.place(INSTANCE, "127.0.0.1:1/app:v1", "127.0.0.1:1/sidecar:v1"));

            // the engine cannot tell yet (or fails): the containers run, the attachment waits
            runtime.failing.set(true);
            Tasks.settle(agent);
            assertThat(tasks.get(placed).lastStatus()).isEqualTo("RUNNING");
            assertThat(tasks.get(placed).launch().eni()).isEqualTo(PRECREATED);
            runtime.failing.set(false);
            Tasks.settle(agent);
            assertThat(tasks.get(placed).launch().eni()).isEqualTo(PRECREATED);

            runtime.address.set(new NetworkAddress("10.88.0.5", "02:42:0a:58:00:05"));
            int asked = runtime.asked.get();
            Tasks.settle(agent);
            EniAttachment attached = tasks.get(placed).launch().eni();
            assertThat(attached)
                    .isEqualTo(new EniAttachment(
                            "att-1",
                            AttachmentStatus.ATTACHED,
                            "eni-1",
                            "subnet-a",
                            List.of("sg-a"),
                            "net-a",
                            "10.88.0.5",
                            "02:42:0a:58:00:05"));
            int askedOnce = runtime.asked.get();
            assertThat(askedOnce).isEqualTo(asked + 1);
            Tasks.settle(agent);
            assertThat(runtime.asked.get())
                    .as("an attached interface is not asked for again")
                    .isEqualTo(askedOnce);

            tasks.stop(placed);
            Tasks.settle(agent);
            TaskRow stopped = tasks.get(placed);
            assertThat(stopped.isStopped()).isTrue();
            assertThat(stopped.launch().eni().status()).isEqualTo(AttachmentStatus.DELETED);
            assertThat(stopped.launch().eni().privateIPv4Address()).isEqualTo("10.88.0.5");
        }
    }

    @Test
    void a_task_without_an_interface_never_asks_for_an_address() throws Exception {
        AddressedRuntime runtime = new AddressedRuntime();
        runtime.address.set(new NetworkAddress("10.88.0.6", null));
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow placed = tasks.place(INSTANCE, "127.0.0.1:1/app:v1");
            Tasks.settle(agent);
            tasks.stop(placed);
            Tasks.settle(agent);
            assertThat(tasks.get(placed).isStopped()).isTrue();
            assertThat(tasks.get(placed).launch().eni()).isNull();
            assertThat(runtime.asked).hasValue(0);
        }
    }

    /** {@code placed} given an ENI attachment, as the server's launcher gives awsvpc tasks. */
    private static TaskRow awsvpc(Store store, TaskRow placed) {
        while (true) {
            Versioned<TaskRow> v = store.tasks().find(placed.arn()).orElseThrow();
            TaskRow with = v.value().withLaunch(v.value().launch().withEni(PRECREATED));
            if (store.tasks().update(with, v.version())) {
                return with;
            }
        }
    }

    /** {@link AgentTest.ScriptedRuntime} whose awsvpc address the test sets (empty until then), or which fails. */
    static final class AddressedRuntime implements ContainerRuntime {
        final AgentTest.ScriptedRuntime delegate = new AgentTest.ScriptedRuntime();
        final AtomicReference<NetworkAddress> address = new AtomicReference<>();
        final AtomicInteger asked = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public Optional<NetworkAddress> address(AgentTask task, String runtimeId) {
            asked.incrementAndGet();
            if (failing.get()) {
                throw new IllegalStateException("engine unreachable (test)");
            }
            return Optional.ofNullable(address.get());
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
            return delegate.start(task, container);
        }

        @Override
        public void stop(String runtimeId, Duration timeout) {
            delegate.stop(runtimeId, timeout);
        }

        @Override
        public Optional<ExitStatus> status(String runtimeId) {
            return delegate.status(runtimeId);
        }
    }
}
