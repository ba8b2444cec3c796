package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.ConsoleHttp;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The cluster page, a service's tasks list and a task page, against a real CNCF registry and a running server
 * (simulated runtime), read over HTTP after signing in: counts and the drift badge as the tag moves, the services
 * table's live region (304 while unchanged), 60 tasks paged 50 + 10, the digest a task ran as DescribeTasks reports it,
 * and clear 404/400 answers for unknown names and a bad filter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleClusterPagesIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String CLUSTER = "/console/clusters/default";
    static final Pattern TASK_ROW = Pattern.compile("<tr data-task=\"([0-9a-f]+)\">");

    RegistryFixture registry;
    TestServer server;
    EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(2));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void clusterTasksAndTaskPagesShowCountsDriftPagesAndDigests() {
        Digest v1 = registry.images().push("demo/many:v1", TestImages.Format.OCI, "many-1");
        ecs.registerTaskDefinition(r -> r.family("many")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/many:v1")
                        .memory(8)
                        .versionConsistency("enabled")
                        .build()));
        ecs.createService(r -> r.serviceName("many").taskDefinition("many").desiredCount(60));
        Eventually.await(
                "60 tasks running, the deployment COMPLETED",
                WAIT,
                () -> service().runningCount() == 60
                        && service().deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED);

        try (ConsoleHttp console = ConsoleHttp.login(server.endpoint(), "test", "test")) {
            // the cluster page: the service's row with its counts, no badge yet
            String cluster = console.page(CLUSTER);
            String row = row(cluster, "<tr data-service=\"many\">");
            assertThat(row).contains(">60</td>").contains(">COMPLETED</span>").contains(">none</span>");
            assertThat(row).doesNotContain(">drift</span>");

            // its live region: 304 for the version held, while nothing changed
            HttpResponse<String> part = console.get(CLUSTER + "?part=" + ClusterPage.SERVICES);
            assertThat(part.statusCode()).isEqualTo(200);
            String etag = part.headers().firstValue("ETag").orElseThrow();
            assertThat(console.get(CLUSTER + "?part=" + ClusterPage.SERVICES, "If-None-Match", etag)
                            .statusCode())
                    .isEqualTo(304);

            // the tag moves: the row gets the drift badge, and the live region changes
            registry.images().push("demo/many:v1", TestImages.Format.OCI, "many-2");
            server.server().tagWatcher().passOnce();
            assertThat(row(console.page(CLUSTER), "<tr data-service=\"many\">")).contains(">drift</span>");
            assertThat(console.get(CLUSTER + "?part=" + ClusterPage.SERVICES, "If-None-Match", etag)
                            .statusCode())
                    .isEqualTo(200);

            // 60 running tasks: 50 on the first page, 10 after "Next page"
            String tasks = console.page(CLUSTER + "/services/many/tasks");
            List<String> first = ids(tasks);
            assertThat(first).hasSize(TasksPage.PAGE);
            assertThat(tasks).contains(">converged</span>").doesNotContain(">not converged</span>");
            Matcher next = Pattern.compile("href=\"([^\"]+)\">Next page<").matcher(tasks);
            assertThat(next.find()).as("a Next page link").isTrue();
            List<String> second = ids(console.page(next.group(1).replace("&amp;", "&")));
            assertThat(second).hasSize(10).doesNotContainAnyElementsOf(first);
            assertThat(ids(console.page(CLUSTER + "/services/many/tasks?status=STOPPED")))
                    .isEmpty();

            // a task: the digest it ran, as DescribeTasks reports it, and the image as written
            String id = first.getFirst();
            Task described = ecs.describeTasks(r -> r.tasks(id)).tasks().getFirst();
            String task = console.page(CLUSTER + "/tasks/" + id);
            String container = row(task, "<tr data-container=\"app\">");
            assertThat(container)
                    .contains("<code class=\"digest\">"
                            + described.containers().getFirst().imageDigest() + "</code>")
                    .contains(registry.host() + "/demo/many:v1")
                    .contains(">RUNNING</td>");
            assertThat(described.containers().getFirst().imageDigest()).isEqualTo(v1.toString());

            // unknown names and a bad filter: clear answers naming them
            HttpResponse<String> noCluster = console.get("/console/clusters/nope");
            assertThat(noCluster.statusCode()).isEqualTo(404);
            assertThat(noCluster.body()).contains("Cluster nope was not found.");
            assertThat(console.get(CLUSTER + "/services/nope/tasks").body())
                    .contains("Service nope in cluster default was not found.");
            assertThat(console.get(CLUSTER + "/tasks/0123456789abcdef").statusCode())
                    .isEqualTo(404);
            HttpResponse<String> bad = console.get(CLUSTER + "/services/many/tasks?status=BOGUS");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("Status 'BOGUS' is not one of RUNNING, STOPPED");
            assertThat(console.get("/console/?part=bogus").statusCode()).isEqualTo(404);

            // a return path with a line break goes home (never into a header: no 500)
            HttpResponse<String> crlf = console.get("/console/login?next=/console/%0d%0aSet-Cookie:x=y");
            assertThat(crlf.statusCode()).isEqualTo(303);
            assertThat(crlf.headers().firstValue("Location")).hasValue("/console/");
            // another site cannot log the user out
            HttpResponse<String> logout =
                    console.post("/console/logout", Map.of("csrf", "x"), "Origin", "https://evil.example");
            assertThat(logout.statusCode()).isEqualTo(403);
            assertThat(console.get(CLUSTER).statusCode()).as("still signed in").isEqualTo(200);
        }
        // a live region's poll without a session: 401, and htmx is sent to the sign-in page
        try (ConsoleHttp anonymous = ConsoleHttp.anonymous(server.endpoint())) {
            HttpResponse<String> poll = anonymous.get(CLUSTER + "?part=" + ClusterPage.SERVICES, "HX-Request", "true");
            assertThat(poll.statusCode()).isEqualTo(401);
            assertThat(poll.headers().firstValue("HX-Redirect"))
                    .hasValue("/console/login?next=%2Fconsole%2Fclusters%2Fdefault");
        }
    }

    private Service service() {
        return ecs.describeServices(r -> r.services("many")).services().getFirst();
    }

    private static List<String> ids(String page) {
        List<String> out = new ArrayList<>();
        Matcher m = TASK_ROW.matcher(page);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The table row starting with {@code start}, up to its end. */
    private static String row(String page, String start) {
        int at = page.indexOf(start);
        assertThat(at).as("row %s", start).isGreaterThanOrEqualTo(0);
        return page.substring(at, page.indexOf("</tr>", at));
    }
}
