package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import dev.ballast.agent.Agent;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.core.Account;
import dev.ballast.image.Digest;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskLaunch;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitions.Registration;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * awsvpc on a real engine: the real {@link Agent} driving {@link DockerRuntime} on Podman with a real SQLite store.
 * The test plays the server's launcher (it places two tasks of one awsvpc task definition with their ENI attachment
 * PRECREATED on network {@code ballast-it-awsvpc}, as the launcher does) and checks what the engine shows: each task
 * has its own namespace and address, its app reaches its own sidecar on localhost, and the reported address is the
 * one inside the namespace.
 */
class AwsvpcNamespacesIT {

    static final String INSTANCE = DockerTasks.ACCOUNT_PREFIX + "container-instance/default/awsvpc-it";
    static final String NETWORK = "ballast-it-awsvpc";

    @TempDir
    Path dir;

    @Test
    void two_awsvpc_tasks_get_their_own_namespace_and_address_and_each_app_reaches_its_own_sidecar_on_localhost()
            throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            Digest digest = registry.images().pushRunnable("demo/app:v1", Format.OCI, "awsvpc-v1");
            String image = registry.host() + "/demo/app:v1";
            String tdArn = DockerTasks.ACCOUNT_PREFIX + "task-definition/web:1";
            // the sidecar serves its own namespace's id on 8080; the app waits for it (dependsOn START)
            String sidecar = "{\"name\":\"sidecar\",\"image\":\"" + image + "\",\"essential\":true,\"stopTimeout\":1,"
                    + "\"portMappings\":[{\"containerPort\":8080}],"
                    + "\"entryPoint\":[\"/bin/sh\",\"-c\"],"
                    + "\"command\":[\"/bin/busybox mkdir -p /tmp/www && /bin/busybox readlink /proc/self/ns/net"
                    + " > /tmp/www/ns && exec /bin/busybox httpd -f -p 8080 -h /tmp/www\"]}";
            String app = "{\"name\":\"app\",\"image\":\"" + image + "\",\"essential\":true,\"stopTimeout\":1,"
                    + "\"dependsOn\":[{\"containerName\":\"sidecar\",\"condition\":\"START\"}],"
                    + "\"entryPoint\":[\"/bin/sh\",\"-c\"],\"command\":[\"sleep 3600\"]}";
            String doc = "{\"family\":\"web\",\"networkMode\":\"awsvpc\",\"containerDefinitions\":[" + app + ","
                    + sidecar + "]}";
            store.taskDefinitions().register("web", revision -> new Registration(tdArn, doc, List.of()));
            TaskRow a = awsvpcTask(tdArn, image + "@" + digest, "app", "sidecar");
            TaskRow b = awsvpcTask(tdArn, image + "@" + digest, "app", "sidecar");
            store.clusters().createOrGet(a.cluster(), a.clusterArn(), "{\"settings\":[]}", List.of());
            store.tasks().insertAll(List.of(a, b));

            try (DockerRuntime runtime = DockerRuntime.connect(
                            podman.dockerHost(),
                            new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                            r -> Optional.empty());
                    Agent agent = new Agent(
                            INSTANCE,
                            new StoreControlPlane(store, Account.defaults(), Clock.systemUTC()).tasks(INSTANCE),
                            runtime,
                            new SimpleMeterRegistry(),
                            Clock.systemUTC(),
                            2)) {
                DockerClient docker = runtime.engine();
                Predicate<TaskRow> attached = t ->
                        t.lastStatus().equals("RUNNING") && t.launch().eni().status() == AttachmentStatus.ATTACHED;
                TaskRow runningA = settle(agent, store, a, attached);
                TaskRow runningB = settle(agent, store, b, attached);

                EniAttachment eniA = runningA.launch().eni();
                EniAttachment eniB = runningB.launch().eni();
                assertThat(eniA.privateIPv4Address()).isNotBlank();
                assertThat(eniB.privateIPv4Address()).isNotBlank().isNotEqualTo(eniA.privateIPv4Address());
                assertThat(eniA.macAddress()).matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
                assertThat(eniA.macAddress()).isNotEqualTo(eniB.macAddress());
                assertThat(eniA.networkName())
                        .as("the server's part of the attachment is kept")
                        .isEqualTo(NETWORK);

                String appA = runtimeId(runningA, "app");
                String appB = runtimeId(runningB, "app");
                String nsA = exec(docker, appA, "/bin/busybox readlink /proc/self/ns/net");
                String nsB = exec(docker, appB, "/bin/busybox readlink /proc/self/ns/net");
                assertThat(nsA).startsWith("net:[");
                assertThat(nsB).startsWith("net:[").isNotEqualTo(nsA);
                // each app reaches a sidecar on localhost, and it is its own: the sidecar's namespace is the app's
                assertThat(exec(docker, appA, "/bin/busybox wget -qO- http://127.0.0.1:8080/ns"))
                        .isEqualTo(nsA);
                assertThat(exec(docker, appB, "/bin/busybox wget -qO- http://127.0.0.1:8080/ns"))
                        .isEqualTo(nsB);
                // the reported address is the namespace's own
                assertThat(exec(docker, appA, "/bin/busybox ip -4 addr"))
                        .contains(" " + eniA.privateIPv4Address() + "/");
                assertThat(exec(docker, appB, "/bin/busybox ip -4 addr"))
                        .contains(" " + eniB.privateIPv4Address() + "/");

                // the sidecar joined the task's network; the app joined the sidecar's namespace; nothing published
                InspectContainerResponse sidecarA = docker.inspectContainerCmd(runtimeId(runningA, "sidecar"))
                        .exec();
                assertThat(sidecarA.getNetworkSettings().getNetworks()).containsOnlyKeys(NETWORK);
                assertThat(sidecarA.getNetworkSettings()
                                .getPorts()
                                .getBindings()
                                .values())
                        .allMatch(bindings -> bindings == null || bindings.length == 0);
                assertThat(docker.inspectContainerCmd(appA)
                                .exec()
                                .getHostConfig()
                                .getNetworkMode())
                        .isEqualTo("container:" + sidecarA.getId());
                Network network =
                        docker.inspectNetworkCmd().withNetworkId(NETWORK).exec();
                assertThat(network.getLabels()).containsEntry(TaskNetworks.LABEL_NETWORK, "true");

                stop(store, a);
                TaskRow stoppedA = settle(agent, store, a, TaskRow::isStopped);
                assertThat(stoppedA.launch().eni().status()).isEqualTo(AttachmentStatus.DELETED);
                assertThat(stoppedA.launch().eni().privateIPv4Address()).isEqualTo(eniA.privateIPv4Address());
                assertThat(store.tasks()
                                .find(b.arn())
                                .orElseThrow()
                                .value()
                                .launch()
                                .eni()
                                .status())
                        .isEqualTo(AttachmentStatus.ATTACHED);
                assertThat(docker.inspectNetworkCmd()
                                .withNetworkId(NETWORK)
                                .exec()
                                .getId())
                        .as("the network stays when a task stops")
                        .isEqualTo(network.getId());
                stop(store, b);
                settle(agent, store, b, TaskRow::isStopped);

                // a network removed by hand while the agent runs (its exited containers first) is created again for
                // the next task
                for (TaskRow t : List.of(stoppedA, settle(agent, store, b, TaskRow::isStopped))) {
                    t.containers()
                            .forEach(x -> docker.removeContainerCmd(x.runtimeId())
                                    .withForce(true)
                                    .exec());
                }
                docker.removeNetworkCmd(NETWORK).exec();
                TaskRow c = awsvpcTask(tdArn, image + "@" + digest, "app", "sidecar");
                store.tasks().insertAll(List.of(c));
                assertThat(settle(agent, store, c, attached).launch().eni().privateIPv4Address())
                        .isNotBlank();
                assertThat(docker.inspectNetworkCmd()
                                .withNetworkId(NETWORK)
                                .exec()
                                .getId())
                        .isNotEqualTo(network.getId());
                stop(store, c);
                settle(agent, store, c, TaskRow::isStopped);
            }
        }
    }

    @Test
    void a_container_started_after_the_first_one_exited_keeps_the_tasks_address() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            Digest digest = registry.images().pushRunnable("demo/app:v1", Format.OCI, "awsvpc-v1");
            String image = registry.host() + "/demo/app:v1";
            String tdArn = DockerTasks.ACCOUNT_PREFIX + "task-definition/init:1";
            // a non-essential init container runs first and exits; the app starts once it completed
            String init = "{\"name\":\"init\",\"image\":\"" + image + "\",\"essential\":false,"
                    + "\"entryPoint\":[\"/bin/sh\",\"-c\"],\"command\":[\"sleep 2\"]}";
            String app = "{\"name\":\"app\",\"image\":\"" + image + "\",\"essential\":true,\"stopTimeout\":1,"
                    + "\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"COMPLETE\"}],"
                    + "\"entryPoint\":[\"/bin/sh\",\"-c\"],\"command\":[\"sleep 3600\"]}";
            String doc = "{\"family\":\"init\",\"networkMode\":\"awsvpc\",\"containerDefinitions\":[" + init + "," + app
                    + "]}";
            store.taskDefinitions().register("init", revision -> new Registration(tdArn, doc, List.of()));
            TaskRow task = awsvpcTask(tdArn, image + "@" + digest, "init", "app");
            store.clusters().createOrGet(task.cluster(), task.clusterArn(), "{\"settings\":[]}", List.of());
            store.tasks().insertAll(List.of(task));

            try (DockerRuntime runtime = DockerRuntime.connect(
                            podman.dockerHost(),
                            new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                            r -> Optional.empty());
                    Agent agent = new Agent(
                            INSTANCE,
                            new StoreControlPlane(store, Account.defaults(), Clock.systemUTC()).tasks(INSTANCE),
                            runtime,
                            new SimpleMeterRegistry(),
                            Clock.systemUTC(),
                            2)) {
                TaskRow running = settle(
                        agent,
                        store,
                        task,
                        t -> t.lastStatus().equals("RUNNING")
                                && t.launch().eni().status() == AttachmentStatus.ATTACHED
                                && runtimeId(t, "app") != null);
                assertThat(running.containers())
                        .filteredOn(c -> c.name().equals("init"))
                        .singleElement()
                        .satisfies(c -> assertThat(c.lastStatus()).isEqualTo("STOPPED"));
                String address = running.launch().eni().privateIPv4Address();
                assertThat(exec(runtime.engine(), runtimeId(running, "app"), "/bin/busybox ip -4 addr"))
                        .as("the address reported is the app's, also when the init container held the namespace first")
                        .contains(" " + address + "/");
                stop(store, task);
                settle(agent, store, task, TaskRow::isStopped);
            }
        }
    }

    /** A task of {@code tdArn} as the launcher places an awsvpc task: its ENI attachment PRECREATED on {@link #NETWORK}. */
    private static TaskRow awsvpcTask(String tdArn, String launchImage, String... names) {
        TaskRow base = DockerTasks.task(tdArn, INSTANCE, "app", launchImage, null);
        String id = base.arn().substring(base.arn().lastIndexOf('/') + 1);
        List<ContainerRow> containers = new ArrayList<>();
        for (String name : names) {
            ContainerRow c = base.containers().getFirst();
            containers.add(new ContainerRow(
                    name,
                    DockerTasks.ACCOUNT_PREFIX + "container/default/" + id + "/" + name,
                    c.image(),
                    c.launchImage(),
                    null,
                    "PENDING",
                    null,
                    null,
                    null,
                    !name.equals("init")));
        }
        EniAttachment eni = new EniAttachment(
                UUID.randomUUID().toString(),
                AttachmentStatus.PRECREATED,
                "eni-" + id.substring(0, 17),
                "subnet-it",
                List.of("sg-it"),
                NETWORK,
                null,
                null);
        return base.withState(base.lastStatus(), containers, null, null, null, null)
                .withLaunch(new TaskLaunch(LaunchType.EC2, null, null, eni));
    }

    private static String runtimeId(TaskRow task, String container) {
        return task.containers().stream()
                .filter(c -> c.name().equals(container))
                .findFirst()
                .orElseThrow()
                .runtimeId();
    }

    /** Runs {@code script} with sh in the container and returns its output, trimmed. */
    private static String exec(DockerClient docker, String containerId, String script) throws Exception {
        String execId = docker.execCreateCmd(containerId)
                .withCmd("/bin/sh", "-c", script)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .exec()
                .getId();
        StringBuilder out = new StringBuilder();
        docker.execStartCmd(execId)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        synchronized (out) {
                            out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                })
                .awaitCompletion(20, TimeUnit.SECONDS);
        synchronized (out) {
            return out.toString().trim();
        }
    }

    private static void stop(Store store, TaskRow task) {
        while (true) {
            Versioned<TaskRow> v = store.tasks().find(task.arn()).orElseThrow();
            if (store.tasks()
                    .update(v.value().withDesired("STOPPED", "UserInitiated", "stopped by test", null), v.version())) {
                return;
            }
        }
    }

    /** Passes, with pulls awaited between them, until the task satisfies {@code done} (at most 30 s). */
    private static TaskRow settle(Agent agent, Store store, TaskRow task, Predicate<TaskRow> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            agent.reconcileOnce();
            agent.awaitPulls(Duration.ofSeconds(20));
            TaskRow now = store.tasks().find(task.arn()).orElseThrow().value();
            if (done.test(now)) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task did not settle: "
                + store.tasks().find(task.arn()).orElseThrow().value());
    }
}
