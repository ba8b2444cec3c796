package dev.ballast.bench;

import dev.ballast.console.Sessions;
import dev.ballast.testing.Browser;
import dev.ballast.testing.Clients;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The console's service page with 1,000 tasks against one with 10, in headless Chromium (docs/benchmarks.md, "Console:
 * the service page with 1,000 tasks"). The packaged server (simulated runtime, {@code INSTANCES} simulated instances)
 * runs two services pinned to a tag of a real CNCF registry, {@code small} (10 tasks) and {@code large} (1,000 tasks);
 * a signed-in headless Chromium loads each page {@code LOADS} times after one warm-up load (htmx and the style sheet
 * then come from its cache, as for a user moving between pages) and reports from the Navigation and Paint Timing APIs:
 * time to first byte, responseEnd, DOMContentLoaded, load and first-contentful-paint, p50 and p95 in ms; and the page's
 * HTML bytes, the JS (htmx) and CSS bytes, raw and gzip-compressed as a proxy would send them. Also the tasks list
 * (first page of 50) of the large service. Usage: bench/console [LOADS [TASKS [INSTANCES]]] (defaults 20, 1000, 10).
 */
public final class ConsolePageBenchmark {
    private ConsolePageBenchmark() {}

    /** One page's figures. */
    record Figures(
            String name,
            List<Double> ttfb,
            List<Double> response,
            List<Double> dcl,
            List<Double> load,
            List<Double> fcp,
            int htmlBytes,
            int htmlGzip) {}

    public static void main(String[] args) throws Exception {
        int loads = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        try (RegistryFixture registry = RegistryFixture.start();
                ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        Files.createTempDirectory("ballast-bench-console-").toString(),
                        "--runtime",
                        "simulated",
                        "--simulated-instances",
                        Integer.toString(instances));
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            registry.images().push("bench/web:v1", TestImages.Format.OCI, "web-1");
            ecs.registerTaskDefinition(r -> r.family("web")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/bench/web:v1")
                            .memory(16)
                            .cpu(8)
                            .versionConsistency("enabled")
                            .build()));
            long started = System.nanoTime();
            ecs.createService(r -> r.serviceName("small").taskDefinition("web").desiredCount(10));
            ecs.createService(r -> r.serviceName("large").taskDefinition("web").desiredCount(tasks));
            awaitSteady(ecs, "small", 10);
            awaitSteady(ecs, "large", tasks);
            System.out.printf(
                    Locale.ROOT,
                    "machine: %d cores; services small (10 tasks) and large (%d tasks) steady on %d simulated"
                            + " instances in %.1f s; %d measured loads per page after one warm-up%n",
                    Runtime.getRuntime().availableProcessors(),
                    tasks,
                    instances,
                    (System.nanoTime() - started) / 1e9,
                    loads);
            try (Browser browser = Browser.start()) {
                if (!browser.login(server.endpoint(), "test", "test")) {
                    throw new IllegalStateException("the console refused test/test");
                }
                String cookie = browser.driver()
                        .manage()
                        .getCookieNamed(Sessions.COOKIE)
                        .getValue();
                HttpClient http = HttpClient.newHttpClient();
                String base = "/console/clusters/default/services/";
                List<Figures> all = new ArrayList<>();
                all.add(measure(
                        browser, http, cookie, server.endpoint(), "service page, 10 tasks", base + "small", loads));
                all.add(measure(
                        browser,
                        http,
                        cookie,
                        server.endpoint(),
                        "service page, " + tasks + " tasks",
                        base + "large",
                        loads));
                String tasksList = base + "large/tasks";
                int listed = status(http, cookie, server.endpoint().resolve(tasksList));
                if (listed == 200) {
                    all.add(measure(
                            browser,
                            http,
                            cookie,
                            server.endpoint(),
                            "tasks list, " + tasks + " tasks (first 50)",
                            tasksList,
                            loads));
                } else {
                    System.out.println("tasks list " + tasksList + ": answered " + listed + ", not measured");
                }
                Map<String, Object> assets = assets(browser);
                System.out.println("---");
                System.out.printf(
                        Locale.ROOT,
                        "%-34s %15s %15s %15s %15s %15s %17s%n",
                        "page",
                        "TTFB p50/p95",
                        "response p50/95",
                        "DCL p50/p95",
                        "load p50/p95",
                        "FCP p50/p95",
                        "HTML bytes (gz)");
                for (Figures f : all) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-34s %15s %15s %15s %15s %15s %17s%n",
                            f.name(),
                            pair(f.ttfb()),
                            pair(f.response()),
                            pair(f.dcl()),
                            pair(f.load()),
                            pair(f.fcp()),
                            f.htmlBytes() + " (" + f.htmlGzip() + ")");
                }
                Figures small = all.get(0);
                Figures large = all.get(1);
                System.out.printf(
                        Locale.ROOT,
                        "ratio %d/10 tasks: FCP p50 %.2fx, DCL p50 %.2fx, HTML bytes %.2fx%n",
                        tasks,
                        p(large.fcp(), 50) / p(small.fcp(), 50),
                        p(large.dcl(), 50) / p(small.dcl(), 50),
                        (double) large.htmlBytes() / small.htmlBytes());
                for (String asset : List.of(htmxPath(assets), "/console/assets/console.css")) {
                    byte[] body = get(http, cookie, server.endpoint().resolve(asset));
                    System.out.printf(
                            Locale.ROOT, "asset %s: %d bytes (%d gzip)%n", asset, body.length, gzip(body).length);
                }
            }
        }
    }

    private static Figures measure(
            Browser browser, HttpClient http, String cookie, URI endpoint, String name, String path, int loads)
            throws IOException, InterruptedException {
        URI uri = endpoint.resolve(path);
        browser.open(uri); // warm-up: htmx and the style sheet into the cache
        List<Double> ttfb = new ArrayList<>();
        List<Double> response = new ArrayList<>();
        List<Double> dcl = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        List<Double> fcp = new ArrayList<>();
        for (int i = 0; i < loads; i++) {
            browser.open(uri);
            if (!browser.path().equals(path)) {
                throw new IllegalStateException("expected " + path + ", the browser shows " + browser.path());
            }
            browser.until(
                    "the navigation's load event",
                    d -> ((Number) browser.js("var n = performance.getEntriesByType('navigation')[0];"
                                            + " return n ? n.loadEventEnd : 0;"))
                                    .doubleValue()
                            > 0);
            @SuppressWarnings("unchecked")
            Map<String, Object> t =
                    (Map<String, Object>) browser.js("var n = performance.getEntriesByType('navigation')[0];"
                            + " var p = performance.getEntriesByName('first-contentful-paint')[0];"
                            + " return {ttfb: n.responseStart, response: n.responseEnd, dcl: n.domContentLoadedEventEnd,"
                            + " load: n.loadEventEnd, fcp: p ? p.startTime : -1};");
            ttfb.add(number(t, "ttfb"));
            response.add(number(t, "response"));
            dcl.add(number(t, "dcl"));
            load.add(number(t, "load"));
            double paint = number(t, "fcp");
            if (paint >= 0) {
                fcp.add(paint);
            }
        }
        byte[] html = get(http, cookie, uri);
        String dump = System.getProperty("bench.console.dump");
        if (dump != null) { // the pages as measured, to see what their bytes are
            Path dir = Files.createDirectories(Path.of(dump));
            Files.write(
                    dir.resolve(
                            path.substring(path.lastIndexOf("/services/") + 10).replace('/', '-') + ".html"),
                    html);
        }
        return new Figures(name, ttfb, response, dcl, load, fcp, html.length, gzip(html).length);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> assets(Browser browser) {
        return (Map<String, Object>) browser.js(
                "var s = document.querySelector('script[src]');" + " return {htmx: s ? s.getAttribute('src') : null};");
    }

    private static String htmxPath(Map<String, Object> assets) {
        Object src = assets.get("htmx");
        if (src == null) {
            throw new IllegalStateException("the page loads no script");
        }
        return src.toString();
    }

    private static byte[] get(HttpClient http, String cookie, URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Cookie", Sessions.COOKIE + "=" + cookie)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static int status(HttpClient http, String cookie, URI uri) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(uri)
                                .header("Cookie", Sessions.COOKIE + "=" + cookie)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(body);
        }
        return out.toByteArray();
    }

    private static double number(Map<String, Object> t, String key) {
        return ((Number) t.get(key)).doubleValue();
    }

    private static String pair(List<Double> values) {
        if (values.isEmpty()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.1f/%.1f", p(values, 50), p(values, 95));
    }

    /** Nearest-rank percentile. */
    private static double p(List<Double> values, int percentile) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static void awaitSteady(EcsClient ecs, String name, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            Service s = ecs.describeServices(r -> r.services(name)).services().getFirst();
            if (s.runningCount() == count
                    && s.deployments().size() == 1
                    && s.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " did not reach " + count + " running tasks in 10 minutes");
    }
}
