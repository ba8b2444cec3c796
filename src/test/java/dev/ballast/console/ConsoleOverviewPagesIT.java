package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.LifecycleApi;
import dev.ballast.core.ModelJson;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.resolve.Audit;
import dev.ballast.resolve.AuditRule;
import dev.ballast.resolve.Decision;
import dev.ballast.resolve.ImageCheck;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.testing.ConsoleHttp;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.NotificationPoster;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.SignedJson;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The console's policy, pinned digests and audit pages on a running server with a real registry, read as a browser
 * would (java.net.http after signing in): a cluster image rule and a mirrored managed sidecar in one service, each
 * container listed under the layer ExplainPolicy names; the pinned digest ListPins and DescribeServices report, with
 * its holder, and its {@code missing} badge once a registry notification says it was deleted; the audit findings
 * resolve/Audit gives for the same task definitions with the server's decisions ({@code latest-on-app},
 * {@code pinned-digest-missing}), filtered by severity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOverviewPagesIT {
    private static final String TOKEN = "overview-notify-token";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private SignedJson raw;
    private ConsoleHttp console;
    private Digest web;

    @BeforeAll
    void start() throws Exception {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(0).lifecycle(l -> l.withNotificationToken(TOKEN)));
        ecs = server.client();
        raw = new SignedJson(server.endpoint());
        ecs.createCluster(r -> r.clusterName("shop"));
        web = registry.images().push("team/web:v1", TestImages.Format.OCI, "web-1");
        registry.images().push("datadog/agent:7", TestImages.Format.OCI, "agent-7");
        raw.policy(
                "PutImageRule",
                "{\"cluster\":\"shop\",\"pattern\":\"" + registry.host() + "/team/*:*\",\"mode\":\"enabled\"}");
        ecs.registerTaskDefinition(r -> r.family("web")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/team/web:v1")
                                .memory(16)
                                .build(),
                        ContainerDefinition.builder()
                                .name("agent")
                                .image(registry.host() + "/datadog/agent:7")
                                .memory(16)
                                .essential(false)
                                .build()));
        ecs.createService(
                r -> r.cluster("shop").serviceName("web").taskDefinition("web").desiredCount(0));
        // not a service's: only the audit reads them
        ecs.registerTaskDefinition(r -> r.family("job")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("main")
                        .image(registry.host() + "/team/job:latest")
                        .memory(16)
                        .build()));
        ecs.registerTaskDefinition(r -> r.family("pinned")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("main")
                        .image(registry.host() + "/team/web@" + web)
                        .memory(16)
                        .build()));
        Eventually.await(
                "the service holds its pinned digest",
                WAIT,
                () -> new Holdings(server.server().store())
                                .current().stream().filter(h -> h.pinned()).count()
                        == 1);
        console = ConsoleHttp.login(server.endpoint(), "test", "test");
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void thePolicyPageListsEachContainerUnderTheLayerExplainPolicyNames() throws Exception {
        String page = get("/console/policy?cluster=shop").body();
        JsonNode explained = raw.policy("ExplainPolicy", "{\"cluster\":\"shop\",\"taskDefinition\":\"web\"}");
        Map<String, String> layers = new HashMap<>();
        for (JsonNode c : explained.path("containers")) {
            layers.put(c.path("containerName").asText(), c.path("decidedBy").asText());
            String row = "<tr data-layer=\"" + c.path("decidedBy").asText() + "\""
                    + (c.has("rule")
                            ? " data-rule=\"" + Html.escaped(c.path("rule").asText()) + "\""
                            : "")
                    + " data-service=\"web\" data-container=\""
                    + c.path("containerName").asText() + "\">";
            assertThat(page).as("row of %s", c.path("containerName")).contains(row);
            assertThat(count(
                            page,
                            "data-service=\"web\" data-container=\""
                                    + c.path("containerName").asText() + "\""))
                    .as("listed once")
                    .isEqualTo(1);
        }
        assertThat(layers)
                .as("the rule and the mirrored sidecar decide, as set up")
                .containsEntry("app", Layer.CLUSTER_RULE.wire())
                .containsEntry("agent", Layer.MANAGED_CATALOG.wire());
        // the layers in their order, each once
        int previous = -1;
        for (Layer l : new Layer[] {
            Layer.CONTAINER,
            Layer.CLUSTER_RULE,
            Layer.ACCOUNT_RULE,
            Layer.CLUSTER_SETTING,
            Layer.ACCOUNT_SETTING,
            Layer.SYSTEM_DEFAULT
        }) {
            int at = page.indexOf("<section id=\"layer-" + l.wire() + "\"");
            assertThat(at).as("section of %s after the previous one", l).isGreaterThan(previous);
            previous = at;
        }
        assertThat(page).contains("<tr data-pattern=\"docker.io/datadog/agent:*\">");

        assertThat(get("/console/policy?cluster=nope").statusCode()).isEqualTo(404);
        assertThat(get("/console/policy?cluster=nope").body()).contains("Cluster nope was not found.");
    }

    @Test
    void thePinsPageShowsTheDigestListPinsReportsWithItsHolderAndMissingOnceDeleted() throws Exception {
        JsonNode pins = raw.call(LifecycleApi.TARGET_PREFIX, "ListPins", "{}").path("pins");
        assertThat(pins).hasSize(1);
        String digest = pins.get(0).path("digest").asText();
        assertThat(digest).isEqualTo(web.toString());
        String deployment = ecs.describeServices(r -> r.cluster("shop").services("web"))
                .services()
                .getFirst()
                .deployments()
                .getFirst()
                .id();
        assertThat(pins.get(0).path("heldBy").get(0).path("deploymentId").asText())
                .isEqualTo(deployment);

        String page = get("/console/pins").body();
        String row = row(page, "<tr data-digest=\"" + digest + "\" data-repository=\"team/web\">");
        assertThat(row)
                .contains("<code class=\"digest\">" + digest + "</code>")
                .contains("<code>v1</code>")
                .contains("<li data-service=\"web\" data-deployment=\"" + deployment + "\">")
                .contains("<a href=\"/console/clusters/shop/services/web\">web</a>")
                .contains(">active</span>")
                .doesNotContain(">missing</span>");
        assertThat(get("/console/pins?repository=other/*").body()).doesNotContain(digest);
        assertThat(get("/console/pins?cluster=shop&repository=team/*").body()).contains(digest);
        assertThat(get("/console/pins?repository=" + URLEncoder.encode("Bad Glob", StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(400);
        HttpResponse<String> hostile =
                get("/console/pins?repository=" + URLEncoder.encode("<script>x</script>", StandardCharsets.UTF_8));
        assertThat(hostile.statusCode()).isEqualTo(400);
        assertThat(hostile.body())
                .contains("Repository filter '&lt;script&gt;x&lt;/script&gt;'")
                .doesNotContain("<script>x");

        NotificationPoster.Answer deleted = new NotificationPoster(server.endpoint())
                .post(
                        "Bearer " + TOKEN,
                        null,
                        NotificationPoster.harbor("DELETE_ARTIFACT", registry.host(), "team/web", "v1", digest));
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(row(get("/console/pins").body(), "<tr data-digest=\"" + digest + "\""))
                .contains("<span class=\"badge badge-bad\">missing</span>");

        // the audit now reports the digest written in a task definition as missing, as recorded
        String audit = get("/console/audit?severity=error").body();
        assertThat(audit)
                .contains("<tr data-task-definition=\"pinned:1\" data-container=\"main\" data-rule=\""
                        + AuditRule.PINNED_DIGEST_MISSING.id() + "\">")
                .doesNotContain("data-rule=\"" + AuditRule.LATEST_ON_APP.id() + "\"");
        assertThat(audit).contains("registry checks: as recorded by the server");
    }

    @Test
    void theAuditPageShowsWhatResolveAuditFindsWithTheServersDecisions() throws Exception {
        Audit audit = new Audit(ManagedCatalog.builtIn());
        Set<String> missing = new HashSet<>();
        raw.call(LifecycleApi.TARGET_PREFIX, "ListMissingImages", "{}")
                .path("missingImages")
                .forEach(m -> missing.add(m.path("registry").asText() + "/"
                        + m.path("repository").asText() + "@" + m.path("digest").asText()));
        Set<String> expected = new HashSet<>();
        for (String family : new String[] {"web", "job", "pinned"}) {
            TaskDefinition td = ModelJson.taskDefinition(
                    raw.ecs("DescribeTaskDefinition", "{\"taskDefinition\":\"" + family + "\"}")
                            .path("taskDefinition"));
            JsonNode explained = raw.policy("ExplainPolicy", "{\"taskDefinition\":\"" + family + "\"}");
            for (JsonNode e : explained.path("containers")) {
                var c = td.containers().stream()
                        .filter(x -> x.name().equals(e.path("containerName").asText()))
                        .findFirst()
                        .orElseThrow();
                Decision d = new Decision(
                        Mode.fromWire(e.path("mode").asText()),
                        Layer.fromWire(e.path("decidedBy").asText()),
                        e.path("rule").asText(null),
                        e.path("note").asText(null));
                ImageReference ref = ImageReference.parse(c.image());
                ImageCheck check = ref.digest().isPresent()
                                && missing.contains(
                                        ref.name() + "@" + ref.digest().get())
                        ? ImageCheck.DIGEST_MISSING
                        : ImageCheck.NOT_CHECKED;
                audit.container(c, d, check)
                        .findings()
                        .forEach(f -> expected.add(family + ":" + td.revision() + " " + f.container() + " "
                                + f.rule().id() + " " + f.severity().wire()));
            }
        }
        assertThat(expected)
                .as("the set-up gives a latest finding")
                .contains("job:1 main " + AuditRule.LATEST_ON_APP.id() + " warning");

        String page = get("/console/audit").body();
        Set<String> shown = new HashSet<>();
        Matcher m = Pattern.compile("<tr data-task-definition=\"([^\"]+)\" data-container=\"([^\"]+)\" data-rule=\""
                        + "([^\"]+)\">.*?<span class=\"badge [a-z-]+\">([a-z]+)</span>")
                .matcher(page);
        while (m.find()) {
            shown.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4));
        }
        assertThat(shown).isEqualTo(expected);
        assertThat(page).contains("registry checks: as recorded by the server");
        long warnings = expected.stream().filter(s -> s.endsWith(" warning")).count();
        assertThat(page)
                .contains("<li data-severity=\"warning\"><span class=\"badge badge-warn\">warning</span> " + warnings
                        + "</li>");

        String warningsOnly = get("/console/audit?severity=warning").body();
        assertThat(count(warningsOnly, "<tr data-task-definition=")).isEqualTo((int) warnings);
        HttpResponse<String> bad = get("/console/audit?severity=fatal");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Severity 'fatal' is not one");
    }

    private HttpResponse<String> get(String path) {
        return console.get(path);
    }

    /** The table row starting with {@code start}, up to its end. */
    private static String row(String page, String start) {
        int at = page.indexOf(start);
        assertThat(at).as("row %s", start).isGreaterThanOrEqualTo(0);
        return page.substring(at, page.indexOf("</tr>", at));
    }

    private static int count(String page, String what) {
        int n = 0;
        for (int at = page.indexOf(what); at >= 0; at = page.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
