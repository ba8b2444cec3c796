package dev.ballast.bench;

import dev.ballast.image.Digest;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 4 figures: launch throughput of one service on many simulated container instances (time from
 * CreateService until every task is RUNNING), and the deployment latency resolution adds, with the
 * registry requests it sends. Usage: bench/launch [TASKS [INSTANCES]].
 */
public final class LaunchBenchmark {
    private LaunchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        try (RegistryFixture registry = RegistryFixture.start();
             ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
             TestServer server = TestServer.sqlite(c -> c.withSimulatedInstances(instances)
                     .withResolve(ResolveSettings.defaults()));
             EcsClient ecs = server.client()) {
            Digest app = registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            registry.images().push("bench/side:v1", TestImages.Format.OCI, "side");
            String host = proxy.host();
            ecs.registerTaskDefinition(r -> r.family("bench").containerDefinitions(
                    ContainerDefinition.builder().name("app").image(host + "/bench/app:v1").memory(16).build(),
                    ContainerDefinition.builder().name("side").image(host + "/bench/side:v1").memory(8).essential(false)
                            .versionConsistency("disabled").build()));

            // Resolution latency: a service of desired 0, from CreateService until its revision is resolved.
            long before = proxy.count(q -> ForwardingScript.isManifest(q));
            long t0 = System.nanoTime();
            ecs.createService(r -> r.serviceName("probe").taskDefinition("bench").desiredCount(0));
            waitResolved(ecs, server, "probe");
            double resolveMs = (System.nanoTime() - t0) / 1e6;
            long resolveRequests = proxy.count(q -> ForwardingScript.isManifest(q)) - before;

            before = proxy.count(q -> ForwardingScript.isManifest(q));
            long start = System.nanoTime();
            ecs.createService(r -> r.serviceName("big").taskDefinition("bench").desiredCount(tasks)
                    .deploymentConfiguration(d -> d.maximumPercent(200).minimumHealthyPercent(100)));
            int lastReported = -1;
            while (true) {
                Service s = ecs.describeServices(r -> r.services("big")).services().get(0);
                int running = s.runningCount();
                if (running != lastReported && running / 500 != lastReported / 500) {
                    System.out.printf("  %6.1f s  running %d of %d%n", (System.nanoTime() - start) / 1e9, running, tasks);
                    lastReported = running;
                }
                if (running == tasks) {
                    break;
                }
                if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                    throw new IllegalStateException("not all tasks running after 10 minutes: " + running);
                }
                Thread.sleep(200);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long launchRequests = proxy.count(q -> ForwardingScript.isManifest(q)) - before;
            System.out.println();
            System.out.printf("launch: %d tasks on %d simulated instances RUNNING in %.1f s = %.0f tasks/minute "
                    + "(ECS: at most 500 per minute per service; goal >= 30,000)%n", tasks, instances, seconds, tasks / seconds * 60);
            System.out.printf("  registry manifest requests during the launch: %d (agents cache images by digest per instance; "
                    + "the disabled sidecar is fetched by tag per task)%n", launchRequests);
            System.out.printf("resolution: CreateService -> revision resolved in %.0f ms, %d registry manifest request(s) "
                    + "for 2 containers (1 pinned, 1 disabled); pinned digest %s%n", resolveMs, resolveRequests, app);
        }
    }

    private static void waitResolved(EcsClient ecs, TestServer server, String service) throws InterruptedException {
        while (true) {
            Service s = ecs.describeServices(r -> r.services(service)).services().get(0);
            String arn = s.currentServiceRevisions().get(0).arn();
            List<String> digests = ecs.describeServiceRevisions(r -> r.serviceRevisionArns(arn)).serviceRevisions().get(0)
                    .containerImages().stream().filter(ci -> ci.containerName().equals("app")).map(ci -> ci.imageDigest()).toList();
            if (!digests.isEmpty() && digests.get(0) != null) {
                return;
            }
            Thread.sleep(5);
        }
    }
}
