package dev.ballast.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import dev.ballast.agent.AgentTask;
import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launch overhead of {@link DockerRuntime} against creating and starting the same container directly with
 * docker-java, side by side on one Podman engine (docs/benchmarks.md, "Docker runtime launch overhead").
 * One launch through the runtime is what the agent does per container once the task's image is local:
 * {@code pull} (image present by digest: inspect + tag) then {@code start} (label lookup, create, start).
 * The direct launch is create + start with the same image, labels, name and limits. Rounds alternate
 * which goes first; containers are removed between rounds, untimed. Usage: {@code [CONTAINERS]} (default 20).
 */
public final class DockerLaunchBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = 3;
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            Digest digest = registry.images().pushRunnable("bench/app:v1", Format.OCI, "bench");
            String launch = registry.host() + "/bench/app:v1@" + digest;
            String tdArn = DockerTasks.ACCOUNT_PREFIX + "task-definition/bench:1";
            String doc =
                    DockerTasks.taskDefinition("bench", "{\"name\":\"app\",\"image\":\"x\",\"cpu\":128,\"memory\":64}");
            try (DockerRuntime runtime = DockerRuntime.connect(
                    podman.dockerHost(),
                    new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                    r -> Optional.empty())) {
                DockerClient docker = runtime.engine();
                runtime.pull(launch, Optional.empty()); // the first pull fetches; launches then find it local
                String image = registry.host() + "/bench/app@" + digest;
                System.out.printf(
                        "engine: %s; %d containers each (+%d warm-up), interleaved%n",
                        runtime.description(), n, warmup);
                List<Long> ours = new ArrayList<>();
                List<Long> direct = new ArrayList<>();
                for (int i = 0; i < n + warmup; i++) {
                    boolean oursFirst = i % 2 == 0;
                    long a = 0;
                    long b = 0;
                    for (int leg = 0; leg < 2; leg++) {
                        if ((leg == 0) == oursFirst) {
                            a = viaRuntime(runtime, launch, tdArn, doc, digest);
                        } else {
                            b = directly(docker, image, i);
                        }
                    }
                    if (i >= warmup) {
                        ours.add(a);
                        direct.add(b);
                    }
                    podman.podman("rm", "--all", "--force", "--time", "0");
                }
                Collections.sort(ours);
                Collections.sort(direct);
                System.out.printf("%-34s %8s %8s %8s%n", "launch (create+start)", "p50 ms", "p90 ms", "max ms");
                print("DockerRuntime (pull-if-absent+start)", ours);
                print("docker-java direct (create+start)", direct);
                System.out.printf(
                        "ratio at p50: %.2f (goal <= 1.25); at p90: %.2f%n",
                        (double) pct(ours, 50) / pct(direct, 50), (double) pct(ours, 90) / pct(direct, 90));
            }
        }
    }

    private static long viaRuntime(DockerRuntime runtime, String launch, String tdArn, String doc, Digest digest) {
        long began = System.nanoTime();
        runtime.pull(launch, Optional.empty());
        AgentTask task = DockerTasks.agentTask(tdArn, doc, "bench", "app", launch, digest.toString());
        runtime.start(task, task.containers().get(0));
        return System.nanoTime() - began;
    }

    private static long directly(DockerClient docker, String image, int i) {
        long began = System.nanoTime();
        var host = HostConfig.newHostConfig().withCpuShares(128).withMemory(64L * 1024 * 1024);
        String id = docker.createContainerCmd(image)
                .withName("direct-" + i + "-" + System.nanoTime())
                .withLabels(Map.of("bench", "direct"))
                .withHostConfig(host)
                .exec()
                .getId();
        docker.startContainerCmd(id).exec();
        return System.nanoTime() - began;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void print(String label, List<Long> sorted) {
        System.out.printf(
                "%-34s %8.1f %8.1f %8.1f%n",
                label, pct(sorted, 50) / 1e6, pct(sorted, 90) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }
}
