package dev.ballast.registry;

import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.Processes;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Figures for docs/benchmarks.md "Registry resolution" (run by {@code bench/registry-resolve}): registry
 * requests per batch of concurrent resolutions against the number of unique references, and resolution
 * latency of {@link RegistryClient} beside a bare {@link HttpClient} HEAD of the same URL in the same run,
 * and beside {@code skopeo inspect} and {@code curl -I} as whole processes. Prints figures; asserts nothing.
 */
public final class ResolveBenchmark {

    private ResolveBenchmark() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int processRuns = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        try (RegistryFixture registry = RegistryFixture.start()) {
            List<ImageReference> refs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                registry.images().push("bench/app" + i + ":v1", Format.OCI, "bench-" + i);
                refs.add(registry.reference("bench/app" + i + ":v1"));
            }
            System.out.println(
                    "# Registry resolution benchmark (" + Runtime.getRuntime().availableProcessors() + " CPUs, "
                            + System.getProperty("java.version") + ", registry " + registry.host() + ")");
            batches(registry);
            latency(refs.get(0), iterations);
            processes(registry, processRuns);
        }
    }

    /** Concurrent callers over a few unique references; manifest requests counted at a forwarding proxy. */
    static void batches(RegistryFixture registry) throws Exception {
        System.out.println();
        System.out.println("## Requests per batch (200 concurrent callers, all released at once)");
        System.out.printf("%-8s %-8s %-18s %s%n", "callers", "unique", "manifest requests", "requests/unique");
        for (int unique : new int[] {1, 10, 50}) {
            for (int round = 0; round < 3; round++) {
                try (ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
                    RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
                    client.resolve(ImageReference.parse(proxy.host() + "/bench/app0:v1"));
                    long before = proxy.count(ForwardingScript::isManifest);
                    CountDownLatch go = new CountDownLatch(1);
                    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int i = 0; i < 200; i++) {
                            ImageReference ref =
                                    ImageReference.parse(proxy.host() + "/bench/app" + (i % unique) + ":v1");
                            pool.submit(() -> {
                                go.await();
                                return client.resolve(ref);
                            });
                        }
                        go.countDown();
                    }
                    long requests = proxy.count(ForwardingScript::isManifest) - before;
                    System.out.printf("%-8d %-8d %-18d %.2f%n", 200, unique, requests, (double) requests / unique);
                }
            }
        }
    }

    /** Our resolve and a bare HEAD, interleaved, after a warm-up. */
    static void latency(ImageReference ref, int iterations) throws Exception {
        RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        HttpClient bare =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest head = HttpRequest.newBuilder(URI.create("http://" + ref.registry() + "/v2/" + ref.repository()
                        + "/manifests/" + ref.tag().orElseThrow()))
                .header("Accept", String.join(", ", MediaTypes.MANIFESTS))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build();
        long warmUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < warmUntil) {
            client.resolve(ref);
            bare.send(head, HttpResponse.BodyHandlers.discarding());
        }
        long[] ours = new long[iterations];
        long[] plain = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            client.resolve(ref);
            long t1 = System.nanoTime();
            HttpResponse<Void> r = bare.send(head, HttpResponse.BodyHandlers.discarding());
            long t2 = System.nanoTime();
            if (r.headers().firstValue("Docker-Content-Digest").isEmpty()) {
                throw new IllegalStateException("bare HEAD got no digest");
            }
            ours[i] = t1 - t0;
            plain[i] = t2 - t1;
        }
        System.out.println();
        System.out.println("## Latency of one resolution, concurrency 1 (" + iterations
                + " interleaved pairs after 15 s warm-up)");
        System.out.printf("%-34s %10s %10s%n", "client", "p50 (ms)", "p99 (ms)");
        row("RegistryClient.resolve (HEAD)", ours);
        row("bare HttpClient HEAD, same URL", plain);
        System.out.printf(
                "%-34s %10.2f %10.2f%n",
                "ratio ours / bare", pct(ours, 50) / pct(plain, 50), pct(ours, 99) / pct(plain, 99));
    }

    /** Whole processes: skopeo inspect and curl -I, each run {@code runs} times. */
    static void processes(RegistryFixture registry, int runs) throws Exception {
        String name = registry.host() + "/bench/app0:v1";
        String url = "http://" + registry.host() + "/v2/bench/app0/manifests/v1";
        List<List<String>> commands = List.of(
                List.of(
                        "curl",
                        "-sfI",
                        "-o",
                        "/dev/null",
                        "-H",
                        "Accept: " + String.join(", ", MediaTypes.MANIFESTS),
                        url),
                List.of("skopeo", "inspect", "--tls-verify=false", "--format", "{{.Digest}}", "docker://" + name));
        System.out.println();
        System.out.println("## Whole processes (" + runs + " runs each)");
        System.out.printf("%-34s %10s %10s%n", "command", "p50 (ms)", "p99 (ms)");
        for (List<String> command : commands) {
            long[] times = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                Processes.run(Duration.ofSeconds(60), command);
                times[i] = System.nanoTime() - t0;
            }
            row(command.get(0) + (command.get(0).equals("curl") ? " -I" : " inspect"), times);
        }
        Path jar = Path.of("target/ballast.jar");
        if (Files.exists(jar)) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            long[] times = new long[Math.max(3, runs / 5)];
            for (int i = 0; i < times.length; i++) {
                long t0 = System.nanoTime();
                Processes.run(
                        Duration.ofSeconds(60),
                        List.of(java, "-XX:+UseSerialGC", "-jar", jar.toString(), "resolve", name));
                times[i] = System.nanoTime() - t0;
            }
            row("ballast resolve (JVM, " + times.length + " runs)", times);
        }
    }

    private static void row(String label, long[] nanos) {
        System.out.printf("%-34s %10.3f %10.3f%n", label, pct(nanos, 50), pct(nanos, 99));
    }

    private static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
