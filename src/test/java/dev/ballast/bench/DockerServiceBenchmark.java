package dev.ballast.bench;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.image.Digest;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Real containers through one service (docs/benchmarks.md, "Real containers through one service"): a CNCF
 * registry and a Podman engine (runc) on 127.0.0.1, the server in-process with the docker runtime, one
 * service of TASKS tasks of a pinned busybox image. Prints the time from CreateService until DescribeServices
 * says {@code runningCount == TASKS} and until {@code podman ps} counts TASKS containers, with per-phase
 * figures from the tasks' own timestamps (the agent stamps pullStoppedAt with the start, so it is not shown); then scales to 0, waits for the engine to be empty and cleans up.
 * Usage: {@code bench/docker-service [TASKS [MEMORY_MIB]]} (defaults 50 and 64).
 */
public final class DockerServiceBenchmark {
    private DockerServiceBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int memory = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            Digest digest = registry.images().pushRunnable("bench/busy:v1", TestImages.Format.DOCKER, "bench");
            try (TestServer server = TestServer.sqlite(
                            c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
                    EcsClient ecs = server.client()) {
                String image = registry.host() + "/bench/busy:v1";
                ecs.registerTaskDefinition(r -> r.family("bench")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(memory)
                                .versionConsistency("enabled")
                                .stopTimeout(1)
                                .build()));
                String engine = ecs
                        .describeContainerInstances(
                                r -> r.containerInstances(ecs.listContainerInstances(l -> l.cluster("default"))
                                        .containerInstanceArns()))
                        .containerInstances()
                        .get(0)
                        .attributes()
                        .stream()
                        .filter(a -> a.name().startsWith("ballast.engine"))
                        .map(a -> a.name() + "=" + a.value())
                        .toList()
                        .toString();
                System.out.printf(
                        "%d tasks of %s (pinned %s), %d MiB each, on one embedded docker instance %s%n",
                        tasks, image, digest.toString().substring(0, 19), memory, engine);

                Instant created = Instant.now();
                long t0 = System.nanoTime();
                ecs.createService(
                        r -> r.serviceName("bench").taskDefinition("bench").desiredCount(tasks));
                double apiAll = -1;
                int lastRunning = -1;
                while (apiAll < 0) {
                    Service s = ecs.describeServices(r -> r.services("bench"))
                            .services()
                            .get(0);
                    if (s.runningCount() != lastRunning
                            && (s.runningCount() / 10 != lastRunning / 10 || s.runningCount() == tasks)) {
                        System.out.printf(
                                "  %6.2f s  running %d of %d (pending %d)%n",
                                (System.nanoTime() - t0) / 1e9, s.runningCount(), tasks, s.pendingCount());
                        lastRunning = s.runningCount();
                    }
                    if (s.runningCount() == tasks) {
                        apiAll = (System.nanoTime() - t0) / 1e9;
                    } else if ((System.nanoTime() - t0) > 600e9) {
                        throw new IllegalStateException(
                                "not all running after 600 s: " + s.runningCount() + " of " + tasks + "; events: "
                                        + s.events().stream()
                                                .limit(5)
                                                .map(e -> e.message())
                                                .toList());
                    } else {
                        Thread.sleep(100);
                    }
                }
                double engineAll;
                while (true) {
                    long n = podman.podman("ps", "--format", "{{.ID}}")
                            .lines()
                            .filter(l -> !l.isBlank())
                            .count();
                    if (n == tasks) {
                        engineAll = (System.nanoTime() - t0) / 1e9;
                        break;
                    }
                    if ((System.nanoTime() - t0) > 600e9) {
                        throw new IllegalStateException("podman ps shows " + n + " containers, expected " + tasks);
                    }
                    Thread.sleep(100);
                }

                List<Task> described = describeAll(ecs);
                long pinned = described.stream()
                        .filter(t ->
                                digest.toString().equals(t.containers().get(0).imageDigest()))
                        .count();
                System.out.printf("%nCreateService -> all %d RUNNING (DescribeServices): %.2f s%n", tasks, apiAll);
                System.out.printf(
                        "CreateService -> podman ps counts %d:            %.2f s (confirmation; includes one podman ps)%n",
                        tasks, engineAll);
                System.out.printf("tasks on the pinned digest: %d of %d%n%n", pinned, tasks);
                System.out.printf("%-40s %8s %8s %8s%n", "phase (s after CreateService)", "first", "median", "last");
                phase("task created (scheduled)", described, created, Task::createdAt);
                phase("pull started", described, created, Task::pullStartedAt);
                phase("container started (RUNNING)", described, created, Task::startedAt);
                List<Long> starts = described.stream()
                        .map(Task::startedAt)
                        .filter(Objects::nonNull)
                        .map(Instant::toEpochMilli)
                        .sorted()
                        .toList();
                if (starts.size() > 1) {
                    double span = (starts.getLast() - starts.getFirst()) / 1e3;
                    System.out.printf(
                            "starts: %.2f per second from first to last start (%.0f ms apart on average)%n",
                            (starts.size() - 1) / span, span * 1e3 / (starts.size() - 1));
                }

                long s0 = System.nanoTime();
                ecs.updateService(r -> r.service("bench").desiredCount(0));
                while (!podman.podman("ps", "--format", "{{.ID}}").isBlank()) {
                    Thread.sleep(250);
                }
                System.out.printf("%nscale to 0 -> engine empty: %.2f s%n", (System.nanoTime() - s0) / 1e9);
                ecs.deleteService(r -> r.service("bench"));
            }
        }
    }

    private static List<Task> describeAll(EcsClient ecs) {
        List<String> arns = ecs.listTasksPaginator(r -> r.serviceName("bench")).taskArns().stream()
                .toList();
        List<Task> out = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
            out.addAll(ecs.describeTasks(r -> r.tasks(page)).tasks());
        }
        return out;
    }

    private static void phase(String label, List<Task> tasks, Instant origin, Function<Task, Instant> at) {
        List<Double> s = new ArrayList<>();
        for (Task t : tasks) {
            Instant i = at.apply(t);
            if (i != null) {
                s.add((i.toEpochMilli() - origin.toEpochMilli()) / 1e3);
            }
        }
        if (s.isEmpty()) {
            System.out.printf("%-40s %8s%n", label, "n/a");
            return;
        }
        Collections.sort(s);
        System.out.printf("%-40s %8.2f %8.2f %8.2f%n", label, s.getFirst(), s.get(s.size() / 2), s.getLast());
    }
}
