package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * kill -9 of controller replicas in a loop while services are created, redeployed and scaled out through the
 * surviving replicas: every acknowledged write persists, no deployment launches more tasks than it needed, every
 * service converges and every task runs the digest its deployment pinned.
 *
 * <p>Replica {@code a} runs the container instances and is never killed (a killed replica's embedded instances
 * would die with it and their tasks be replaced, which would hide a double launch); {@code b} and {@code c} are
 * controller-only and are killed in turn, each time after they held shards, and restarted.
 */
class KillLoopIT {
    private static final String LEASE = "2s";
    private static final int KILLS = 20;
    private static final int SERVICES = 6;
    private static final int MAX_DESIRED = 4;
    private static final List<String> TAGS = List.of("v1", "v2", "v3");

    /** What the last acknowledged write set on a service. */
    private record Expected(String taskDefinitionArn, int desiredCount) {}

    @Test
    void killingControllerReplicasInALoopLosesNoWriteAndLaunchesNoTaskTwice() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            Map<String, Digest> digests = new ConcurrentHashMap<>();
            for (String tag : TAGS) {
                digests.put(tag, registry.images().push("demo/loop:" + tag, TestImages.Format.OCI, "loop-" + tag));
            }
            try (ServerProcess a = Replicas.start(store, "a", 4, LEASE);
                    EcsClient viaA = Clients.ecs(a.endpoint(), "test", "test")) {
                ServerProcess[] controllers = {
                    Replicas.start(store, "b", 0, LEASE), Replicas.start(store, "c", 0, LEASE)
                };
                try {
                    Map<String, String> tagOfTaskDefinition = new ConcurrentHashMap<>();
                    List<String> taskDefinitions = new ArrayList<>();
                    for (String tag : TAGS) {
                        String arn = viaA.registerTaskDefinition(r -> r.family("loop")
                                        .containerDefinitions(ContainerDefinition.builder()
                                                .name("app")
                                                .image(registry.host() + "/demo/loop:" + tag)
                                                .memory(16)
                                                .build()))
                                .taskDefinition()
                                .taskDefinitionArn();
                        taskDefinitions.add(arn);
                        tagOfTaskDefinition.put(arn, tag);
                    }

                    Map<String, Expected> acknowledged = new ConcurrentHashMap<>();
                    AtomicReference<EcsClient> other = new AtomicReference<>();
                    AtomicBoolean writing = new AtomicBoolean(true);
                    AtomicInteger writes = new AtomicInteger();
                    AtomicInteger retried = new AtomicInteger();
                    List<Throwable> writerErrors = new CopyOnWriteArrayList<>();
                    Thread writer = Thread.ofPlatform().name("kill-loop-writer").start(() -> {
                        Random random = new Random(13);
                        try {
                            for (int i = 0; writing.get(); i++) {
                                String name = "loop-" + (i % SERVICES);
                                Expected before = acknowledged.get(name);
                                EcsClient via = i % 2 == 0 || other.get() == null ? viaA : other.get();
                                Expected after = write(via, viaA, name, before, taskDefinitions, random, retried);
                                acknowledged.put(name, after);
                                writes.incrementAndGet();
                                Thread.sleep(400); // a steady stream of writes, not a flood on 2 shared cores
                            }
                        } catch (Throwable t) {
                            writerErrors.add(t);
                        }
                    });

                    List<Integer> shardsAtKill = new ArrayList<>();
                    List<EcsClient> clients = new ArrayList<>();
                    try {
                        for (int kill = 0; kill < KILLS; kill++) {
                            int v = kill % 2;
                            ServerProcess victim = controllers[v];
                            ServerProcess survivor = controllers[1 - v];
                            // clients are closed at the end: the writer may still be using an earlier one
                            EcsClient viaSurvivor = Clients.ecs(survivor.endpoint(), "test", "test");
                            clients.add(viaSurvivor);
                            other.set(viaSurvivor);
                            Eventually.await(
                                    "replica " + (v == 0 ? "b" : "c") + " holds shards before kill " + kill,
                                    Duration.ofSeconds(30),
                                    () -> Replicas.shards(victim) > 0);
                            shardsAtKill.add(Replicas.shards(victim));
                            victim.kill();
                            controllers[v] = Replicas.start(store, v == 0 ? "b" : "c", 0, LEASE);
                        }
                    } finally {
                        writing.set(false);
                        writer.join(60_000);
                        clients.forEach(EcsClient::close);
                    }
                    assertThat(writerErrors)
                            .as("the writer's unexpected errors")
                            .isEmpty();
                    assertThat(shardsAtKill)
                            .as("shards each killed replica held (taken from the others after their kills)")
                            .hasSize(KILLS)
                            .allSatisfy(n -> assertThat(n).isPositive());
                    System.out.printf(
                            "KillLoopIT: %d kills, %d acknowledged writes (%d retried after a lost answer), shards at"
                                    + " each kill %s%n",
                            KILLS, writes.get(), retried.get(), shardsAtKill);

                    Eventually.await(
                            "every service converges",
                            Duration.ofSeconds(120),
                            () -> acknowledged.keySet().stream().allMatch(n -> EcsHelpers.stable(viaA, "default", n)));
                    verify(store, viaA, acknowledged, tagOfTaskDefinition, digests);
                } finally {
                    for (ServerProcess c : controllers) {
                        c.close();
                    }
                }
            }
        }
    }

    /**
     * One write to service {@code name}: create it, or a new task definition, a forced new deployment or a scale-out
     * (desired counts only grow, so no deployment ever needs more tasks than its service's final desired count).
     * Sent through {@code via}; when its answer is lost (the replica died under it) the same write is sent again
     * through {@code a}, which is never killed, so the last acknowledged write is the service's final state.
     */
    private static Expected write(
            EcsClient via,
            EcsClient a,
            String name,
            Expected before,
            List<String> taskDefinitions,
            Random random,
            AtomicInteger retried) {
        Function<EcsClient, Service> call;
        Expected after;
        if (before == null) {
            int desired = 1 + random.nextInt(2);
            after = new Expected(taskDefinitions.getFirst(), desired);
            call = ecs -> ecs.createService(r -> r.serviceName(name)
                            .taskDefinition(after.taskDefinitionArn())
                            .desiredCount(desired)
                            .clientToken("create-" + name))
                    .service();
        } else {
            int op = random.nextInt(3);
            int desired = Math.min(MAX_DESIRED, before.desiredCount() + (op == 2 ? 1 : random.nextInt(2)));
            String td =
                    op == 0 ? taskDefinitions.get(random.nextInt(taskDefinitions.size())) : before.taskDefinitionArn();
            after = new Expected(td, desired);
            call = ecs -> ecs.updateService(r -> r.service(name)
                            .taskDefinition(td)
                            .desiredCount(desired)
                            .forceNewDeployment(op == 1))
                    .service();
        }
        Service s;
        try {
            s = call.apply(via);
        } catch (SdkClientException lost) {
            retried.incrementAndGet();
            s = call.apply(a);
        }
        assertThat(s.taskDefinition()).isEqualTo(after.taskDefinitionArn());
        assertThat(s.desiredCount()).isEqualTo(after.desiredCount());
        return after;
    }

    private static void verify(
            String store,
            EcsClient ecs,
            Map<String, Expected> acknowledged,
            Map<String, String> tagOfTaskDefinition,
            Map<String, Digest> digests)
            throws Exception {
        assertThat(acknowledged).hasSize(SERVICES);
        for (var e : acknowledged.entrySet()) {
            String name = e.getKey();
            Expected expected = e.getValue();
            Service s = EcsHelpers.service(ecs, "default", name);
            assertThat(s.taskDefinition())
                    .as("%s: the last acknowledged task definition", name)
                    .isEqualTo(expected.taskDefinitionArn());
            assertThat(s.desiredCount())
                    .as("%s: the last acknowledged desired count", name)
                    .isEqualTo(expected.desiredCount());
            String primary = s.deployments().getFirst().id();

            List<Task> running = EcsHelpers.tasks(ecs, "default", name, DesiredStatus.RUNNING);
            assertThat(running).as("%s: RUNNING tasks", name).hasSize(expected.desiredCount());
            List<Task> all = new ArrayList<>(running);
            all.addAll(EcsHelpers.tasks(ecs, "default", name, DesiredStatus.STOPPED));
            assertThat(all.stream().filter(t -> t.startedAt() != null).toList())
                    .as("%s: every task that ran, ran the digest its deployment pinned", name)
                    .hasSizeGreaterThanOrEqualTo(running.size())
                    .allSatisfy(t -> assertThat(EcsHelpers.container(t, "app").imageDigest())
                            .as("task %s of %s (%s)", t.taskArn(), t.startedBy(), t.taskDefinitionArn())
                            .isEqualTo(digests.get(tagOfTaskDefinition.get(t.taskDefinitionArn()))
                                    .toString()));
            assertThat(running).allSatisfy(t -> assertThat(t.startedBy()).isEqualTo(primary));

            Map<String, Integer> perDeployment = Replicas.tasksPerDeployment(store, s.serviceArn());
            assertThat(perDeployment.get(primary))
                    .as(
                            "%s: tasks of its primary deployment (no task of the simulated runtime fails, so exactly the"
                                    + " desired count: one more would be a second launch for one slot)",
                            name)
                    .isEqualTo(expected.desiredCount());
            assertThat(perDeployment.values())
                    .as("%s: no deployment launched more tasks than its service ever wanted (%s)", name, perDeployment)
                    .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(expected.desiredCount()));
            int deployments = Replicas.deployments(store, s.serviceArn());
            int resolutions = Replicas.resolutionEvents(store, s.serviceArn());
            assertThat(resolutions)
                    .as("%s: images resolved at most once per deployment (%d deployments)", name, deployments)
                    .isPositive()
                    .isLessThanOrEqualTo(deployments);
            String revision = s.currentServiceRevisions().getFirst().arn();
            assertThat(ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revision))
                            .serviceRevisions()
                            .getFirst()
                            .containerImages())
                    .singleElement()
                    .satisfies(ci -> assertThat(ci.imageDigest())
                            .isEqualTo(digests.get(tagOfTaskDefinition.get(expected.taskDefinitionArn()))
                                    .toString()));
        }
    }
}
