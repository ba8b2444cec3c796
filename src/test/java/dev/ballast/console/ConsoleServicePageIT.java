package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.image.Digest;
import dev.ballast.model.ContainerResolution;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MissingImage;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import dev.ballast.testing.ConsoleHttp;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The service page against a real CNCF registry and a running server (simulated runtime), read over HTTP after
 * signing in: the pinned digest of the deployment's record, the deployments live region's ETag (304 while unchanged,
 * 200 after a forced deployment), drift after the tag moved (tag watcher pass), the approval a policy waits for, and
 * that a read-only key (credentials file, {@code ballast_read_only = true}) sees no action.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleServicePageIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String PAGE = "/console/clusters/default/services/web";
    static final Pattern DEPLOYMENT = Pattern.compile(
            "<li class=\"deployment( primary)?\" data-deployment=\"([^\"]+)\">(.*?)</li>", Pattern.DOTALL);

    RegistryFixture registry;
    TestServer server;
    EcsClient ecs;
    JsonApiClient api;

    @BeforeAll
    void start() throws Exception {
        registry = RegistryFixture.start();
        Path credentials = Files.createTempFile("ballast-console-", ".ini");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = test
                aws_secret_access_key = test

                [viewer]
                aws_access_key_id = viewer
                aws_secret_access_key = viewer-secret
                ballast_read_only = true
                """);
        CredentialStore keys = CredentialStore.load(credentials);
        server = TestServer.sqlite(c -> c.simulatedInstances(1).credentials(keys));
        ecs = server.client();
        api = new JsonApiClient(
                server.endpoint(),
                new SigV4Signer("test", "test", TestServer.ACCOUNT.region(), "ecs", Clock.systemUTC())::sign);
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void theServicePageShowsPinsDeploymentsDriftAndApprovalsAndOffersActionsToWritersOnly() {
        Digest v1 = registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        ecs.registerTaskDefinition(r -> r.family("web")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/web:v1")
                        .memory(64)
                        .versionConsistency("enabled")
                        .build()));
        ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(2));
        awaitSteady(1);
        Store store = server.server().store();
        try (ConsoleHttp writer = ConsoleHttp.login(server.endpoint(), "test", "test");
                ConsoleHttp viewer = ConsoleHttp.login(server.endpoint(), "viewer", "viewer-secret")) {
            // the pinned digest shown is the one the revision recorded and DescribeServices' drift reports
            String page = writer.page(PAGE);
            assertThat(page).contains("<h1>web</h1>").contains("<section id=\"deployments\"");
            List<String[]> deployments = deployments(page);
            assertThat(deployments).hasSize(1);
            String first = deployments.getFirst()[0];
            assertThat(deployments.getFirst()[1])
                    .as("the first deployment is PRIMARY")
                    .isEqualTo("primary");
            DeploymentRow firstRow =
                    store.deployments().find(first).orElseThrow().value();
            ContainerResolution recorded = store.revisions()
                    .find(firstRow.revisionArn())
                    .map(Versioned::value)
                    .map(RevisionRow::resolution)
                    .orElseThrow()
                    .containers()
                    .getFirst();
            assertThat(recorded.imageDigest()).isEqualTo(v1.toString());
            String appRow = row(deployments.getFirst()[2], "app");
            assertThat(digestIn(appRow, "digest")).isEqualTo(v1.toString()).isEqualTo(describedPinnedDigest());
            assertThat(appRow).contains(registry.host() + "/demo/web:v1").contains(">consistent<");
            assertThat(page)
                    .contains(">Force new deployment</a>")
                    .contains(">Scale</a>")
                    .contains("href=\"" + PAGE + "/tasks\"")
                    .doesNotContain("Roll back to this deployment");

            // the deployments region answers 304 for its ETag until a forced deployment changes it
            HttpResponse<String> part = writer.get(PAGE + "?part=deployments-live");
            assertThat(part.statusCode()).isEqualTo(200);
            assertThat(part.body()).startsWith("<div id=\"deployments-live\"").doesNotContain("<html");
            String etag = part.headers().firstValue("ETag").orElseThrow();
            assertThat(writer.get(PAGE + "?part=deployments-live", "If-None-Match", etag)
                            .statusCode())
                    .isEqualTo(304);
            ecs.updateService(r -> r.service("web").forceNewDeployment(true));
            HttpResponse<String> changed = writer.get(PAGE + "?part=deployments-live", "If-None-Match", etag);
            assertThat(changed.statusCode()).isEqualTo(200);
            assertThat(changed.headers().firstValue("ETag")).isPresent().get().isNotEqualTo(etag);
            assertThat(deployments(changed.body())).hasSize(2);
            awaitSteady(2);

            // an earlier deployment with a resolved record can be rolled back to; a read-only key sees no action
            String after = writer.page(PAGE);
            List<String[]> both = deployments(after);
            assertThat(both.getFirst()[1]).isEqualTo("primary");
            assertThat(both.get(1)[0]).isEqualTo(first);
            assertThat(both.get(1)[2])
                    .contains("href=\"" + PAGE + "/rollback?deployment=" + first.replace("/", "%2F") + "\"")
                    .contains(">Roll back to this deployment</a>");
            assertThat(both.getFirst()[2]).doesNotContain("Roll back to this deployment");
            String readOnly = viewer.page(PAGE);
            assertThat(deployments(readOnly)).hasSize(2);
            assertThat(readOnly)
                    .contains("read-only")
                    .doesNotContain("Force new deployment")
                    .doesNotContain(">Scale</a>")
                    .doesNotContain("Roll back to this deployment");

            // the tag moves: the watcher's pass records it, the drift region shows it and the approval waits
            ObjectNode policy = Json.object()
                    .put("service", "web")
                    .put("autoRedeploy", true)
                    .put("requireApproval", true)
                    .put("cooldownSeconds", 0);
            api.call(LifecycleApi.TARGET_PREFIX, "PutServiceImagePolicy", policy);
            assertThat(section(writer.page(PAGE), "drift")).doesNotContain(">drifted<");
            Digest v2 = registry.images().moveTag("demo/web:v1", TestImages.Format.OCI, "web-2");
            assertThat(v2).isNotEqualTo(v1);
            server.server().tagWatcher().passOnce();
            String drifted = writer.page(PAGE);
            String driftRow = row(section(drifted, "drift"), "app");
            assertThat(driftRow).contains(">drifted</span>");
            assertThat(digestIn(driftRow, "digest")).isEqualTo(v1.toString());
            assertThat(digestIn(driftRow, "tag-now")).isEqualTo(v2.toString());
            assertThat(section(drifted, "summary"))
                    .contains(">awaiting approval</span>")
                    .contains("href=\"" + PAGE + "/approve?digest="
                            + v2.toString().replace(":", "%3A") + "\"");
            String driftPart = writer.page(PAGE + "?part=drift-live");
            assertThat(driftPart).startsWith("<div id=\"drift-live\"").contains(v2.toString());
            assertThat(viewer.page(PAGE)).contains(">awaiting approval</span>").doesNotContain(">Approve</a>");
            assertThat(section(drifted, "events")).contains("<td>(service web) has reached a steady state.</td>");

            // a held digest gone from its registry: missing for the active deployment, endangered for the rollback
            // target; an event's text is escaped
            String primary = both.getFirst()[0];
            registry.images().delete("demo/web", v1);
            store.missingImages()
                    .mark(new MissingImage(
                            registry.host(), "demo/web", v1.toString(), System.currentTimeMillis(), "notification"));
            String serviceArn =
                    store.deployments().find(first).orElseThrow().value().serviceArn();
            store.events().add(serviceArn, "<img src=x onerror=alert(1)> & more");
            String risky = writer.page(PAGE);
            String images = section(risky, "images");
            assertThat(images)
                    .contains(">missing image</span> tasks of this deployment cannot launch from it")
                    .contains("<code>" + primary + "</code> (active-deployment)")
                    .contains(">endangered</span> a rollback to deployment " + first + " would fail")
                    .contains("<code>" + first + "</code> (rollback-target)")
                    .contains("<td>notification</td>");
            assertThat(section(risky, "events"))
                    .contains("<td>&lt;img src=x onerror=alert(1)&gt; &amp; more</td>")
                    .doesNotContain("<img");

            // what is not there is named
            HttpResponse<String> unknown = writer.get("/console/clusters/default/services/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("Service nope in cluster default was not found.");
            HttpResponse<String> noCluster = writer.get("/console/clusters/elsewhere/services/web");
            assertThat(noCluster.statusCode()).isEqualTo(404);
            assertThat(noCluster.body()).contains("Cluster elsewhere was not found.");
            HttpResponse<String> badPart = writer.get(PAGE + "?part=%3Cscript%3E");
            assertThat(badPart.statusCode()).isEqualTo(404);
            assertThat(badPart.body()).contains("Live part &lt;script&gt; of this page was not found.");
        }
    }

    private void awaitSteady(int deployments) {
        Eventually.await("web steady with " + deployments + " deployments", WAIT, () -> {
            Service s = ecs.describeServices(r -> r.services("web")).services().getFirst();
            Deployment primary = s.deployments().getFirst();
            return s.runningCount() == 2
                    && s.deployments().size() == 1
                    && primary.rolloutState() == DeploymentRolloutState.COMPLETED
                    && server.server()
                                    .store()
                                    .deployments()
                                    .ofService(s.serviceArn())
                                    .size()
                            == deployments;
        });
    }

    private String describedPinnedDigest() {
        ObjectNode in = Json.object();
        in.putArray("services").add("web");
        return api.call("AmazonEC2ContainerServiceV20141113", "DescribeServices", in)
                .path("services")
                .get(0)
                .path("imageDrift")
                .path("containers")
                .get(0)
                .path("pinnedDigest")
                .asText();
    }

    /** Each deployment of the timeline, in page order: id, "primary" or "", its markup. */
    private static List<String[]> deployments(String html) {
        List<String[]> out = new ArrayList<>();
        Matcher m = DEPLOYMENT.matcher(html.contains("<section") ? section(html, "deployments") : html);
        while (m.find()) {
            out.add(new String[] {
                m.group(2), m.group(1) == null ? "" : m.group(1).strip(), m.group(3)
            });
        }
        return out;
    }

    /** The markup of the section with that id, up to its closing tag (sections do not nest). */
    private static String section(String html, String id) {
        int start = html.indexOf("<section id=\"" + id + "\"");
        assertThat(start).as("a section with id " + id).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }

    private static String row(String html, String container) {
        Matcher m = Pattern.compile(
                        "<tr data-container=\"" + Pattern.quote(container) + "\">(.*?)</tr>", Pattern.DOTALL)
                .matcher(html);
        assertThat(m.find())
                .as("a row of container " + container + " in " + html)
                .isTrue();
        return m.group(1);
    }

    private static String digestIn(String html, String cssClass) {
        Matcher m = Pattern.compile("<code class=\"" + cssClass + "\">(sha256:[0-9a-f]{64})</code>")
                .matcher(html);
        assertThat(m.find()).as("a " + cssClass + " in " + html).isTrue();
        return m.group(1);
    }
}
