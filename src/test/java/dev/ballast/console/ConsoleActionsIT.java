package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.cli.Main;
import dev.ballast.image.Digest;
import dev.ballast.testing.Clients;
import dev.ballast.testing.ConsoleHttp;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The console's actions against the packaged server as a process (its credentials file with a read-only key,
 * simulated container instances, a real registry):
 * force, scale, rollback and approve through their confirmation pages and forms, each checked through the ECS API;
 * the security checks (CSRF token bound to the session, same origin, read-only keys on the console and on the API,
 * a wrong key at the login); refused input shown on the form again.
 */
class ConsoleActionsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    static RegistryFixture registry;
    static ServerProcess server;
    static EcsClient ecs;
    static Digest v1;
    static Digest v2;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryFixture.start();
        v1 = registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        v2 = registry.images().push("demo/web:v2", TestImages.Format.OCI, "web-2");
        Path dir = Files.createTempDirectory("ballast-console-actions-");
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, """
                [default]
                aws_access_key_id = test
                aws_secret_access_key = test
                [viewer]
                aws_access_key_id = viewer
                aws_secret_access_key = viewer-secret
                ballast_read_only = true
                """);
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        server = ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                dir.resolve("data").toString(),
                "--credentials-file",
                credentials.toString(),
                "--simulated-instances",
                "1",
                "--runtime",
                "simulated");
        ecs = Clients.ecs(server.endpoint(), "test", "test");
        for (String tag : List.of("v1", "v2")) {
            ecs.registerTaskDefinition(r -> r.family("web-" + tag)
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/demo/web:" + tag)
                            .memory(16)
                            .build()));
        }
    }

    @AfterAll
    static void stop() {
        if (ecs != null) {
            ecs.close();
        }
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void forceStartsANewDeploymentAndTheNoticeNamesIt() {
        String before =
                steadyService("force-web", "web-v1", 1).deployments().getFirst().id();
        ConsoleHttp b = ConsoleHttp.signedIn(server.endpoint(), "test", "test");

        HttpResponse<String> page = b.get(path("force-web", "force"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<h1>Force new deployment</h1>")
                .contains(">Force new deployment</button>")
                .contains("<a href=\"/console/clusters/default/services/force-web\" class=\"cancel\">Cancel</a>")
                .contains("data-container=\"app\"")
                .contains("<code class=\"digest\">" + v1 + "</code>");

        HttpResponse<String> done = b.post(path("force-web", "force"), Map.of("csrf", b.csrf(page)));

        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(done.headers().firstValue("Location")).contains("/console/clusters/default/services/force-web");
        Service after = service("force-web");
        assertThat(after.deployments()).hasSize(2);
        String created = after.deployments().getFirst().id();
        assertThat(created).isNotEqualTo(before);
        assertThat(after.deployments().getFirst().status()).isEqualTo("PRIMARY");
        assertThat(b.notice()).contains("Deployment " + created + " started for service force-web");
    }

    @Test
    void scaleChangesTheDesiredCountAndABadCountIsShownOnTheFormAgain() {
        steadyService("scale-web", "web-v1", 1);
        ConsoleHttp b = ConsoleHttp.signedIn(server.endpoint(), "test", "test");
        HttpResponse<String> page = b.get(path("scale-web", "scale"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<label for=\"desiredCount\">Desired count</label>")
                .contains("name=\"desiredCount\"")
                .contains("value=\"1\"")
                .contains(">Scale</button>");

        HttpResponse<String> done =
                b.post(path("scale-web", "scale"), Map.of("csrf", b.csrf(page), "desiredCount", "3"));

        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(service("scale-web").desiredCount()).isEqualTo(3);
        assertThat(b.notice()).contains("desired count 1 → 3");

        for (String bad : List.of("three", "-1", "2.5", "5001", "")) {
            HttpResponse<String> refused =
                    b.post(path("scale-web", "scale"), Map.of("csrf", b.csrf(page), "desiredCount", bad));
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body())
                    .as(bad)
                    .contains("role=\"alert\"")
                    .contains("Desired count must be a whole number from 0 to 5000")
                    .contains("aria-invalid=\"true\"");
        }
        HttpResponse<String> hostile =
                b.post(path("scale-web", "scale"), Map.of("csrf", b.csrf(page), "desiredCount", "<b>\"x\"</b>"));
        assertThat(hostile.body()).doesNotContain("<b>").contains("&lt;b&gt;");
        assertThat(service("scale-web").desiredCount()).isEqualTo(3);
    }

    @Test
    void rollbackRunsTheEarlierDeploymentsRecordedDigestWithoutLookingTheTagUpAgain() {
        Service first = steadyService("roll-web", "web-v1", 1);
        String firstId = first.deployments().getFirst().id();
        String v1TaskDefinition = first.taskDefinition();
        ecs.updateService(r -> r.cluster("default").service("roll-web").taskDefinition("web-v2"));
        Eventually.await(
                "web-v2 is deployed",
                WAIT,
                () -> steady(service("roll-web"))
                        && service("roll-web").taskDefinition().endsWith("web-v2:1"));
        // the tag v1 moves on: a rollback that looked it up again would run this digest, not the recorded one
        Digest moved = registry.images().moveTag("demo/web:v1", TestImages.Format.OCI, "web-1-moved");
        assertThat(moved).isNotEqualTo(v1);
        ConsoleHttp b = ConsoleHttp.signedIn(server.endpoint(), "test", "test");

        HttpResponse<String> page = b.get(path("roll-web", "rollback?deployment=" + firstId));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<code>" + v1TaskDefinition + "</code>")
                .contains("<code class=\"digest\">" + v1 + "</code>")
                .contains("No registry request is made")
                .contains("name=\"deployment\" value=\"" + firstId + "\"")
                .contains(">Roll back</button>")
                .contains(">Cancel</a>");

        HttpResponse<String> done =
                b.post(path("roll-web", "rollback"), Map.of("csrf", b.csrf(page), "deployment", firstId));

        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        Service rolledBack = service("roll-web");
        Deployment primary = rolledBack.deployments().getFirst();
        assertThat(primary.status()).isEqualTo("PRIMARY");
        assertThat(primary.id()).isNotEqualTo(firstId);
        assertThat(primary.taskDefinition()).isEqualTo(v1TaskDefinition);
        assertThat(rolledBack.taskDefinition()).isEqualTo(v1TaskDefinition);
        assertThat(rolledBack.deployments().stream().filter(d -> d.status().equals("PRIMARY")))
                .hasSize(1);
        assertThat(b.notice())
                .contains("Deployment " + primary.id() + " rolls service roll-web back to deployment " + firstId);
        Eventually.await("the rolled-back deployment runs", WAIT, () -> steady(service("roll-web")));
        List<Task> running = tasks("roll-web");
        assertThat(running).hasSize(1).allSatisfy(t -> {
            assertThat(t.startedBy()).isEqualTo(primary.id());
            assertThat(t.containers().getFirst().imageDigest()).isEqualTo(v1.toString());
        });
        assertThat(service("roll-web").events())
                .anyMatch(e -> e.message()
                        .equals("(service roll-web) rolling back to deployment " + firstId + " (task definition "
                                + v1TaskDefinition + ", recorded image digests reused) at the request of test."));

        // the PRIMARY deployment is no rollback target: the API's message on the form again, nothing changed
        HttpResponse<String> refused =
                b.post(path("roll-web", "rollback"), Map.of("csrf", b.csrf(page), "deployment", primary.id()));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("role=\"alert\"").contains("is the PRIMARY deployment");
        assertThat(service("roll-web").deployments().getFirst().id()).isEqualTo(primary.id());
        assertThat(b.get(path("roll-web", "rollback?deployment=ecs-svc/000")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void rollbackServiceRefusesATargetItCannotRollBackTo() {
        Service s = steadyService("api-roll", "web-v1", 0);
        String primary = s.deployments().getFirst().id();
        String other =
                steadyService("api-other", "web-v1", 0).deployments().getFirst().id();
        JsonApiClient api = new JsonApiClient(
                server.endpoint(), new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC())::sign);

        for (String[] members : List.of(new String[] {null, null}, new String[] {primary, "arn:x"})) {
            assertThatThrownBy(() -> rollback(api, members[0], members[1]))
                    .isInstanceOfSatisfying(JsonApiClient.Failure.class, f -> {
                        assertThat(f.type()).isEqualTo("InvalidParameterException");
                        assertThat(f.getMessage())
                                .contains("'serviceDeploymentArn'")
                                .contains("'deploymentId'");
                    });
        }
        assertThatThrownBy(() -> rollback(api, primary, null))
                .isInstanceOfSatisfying(
                        JsonApiClient.Failure.class,
                        f -> assertThat(f.getMessage()).contains("is the PRIMARY deployment"));
        assertThatThrownBy(() -> rollback(api, other, null))
                .isInstanceOfSatisfying(
                        JsonApiClient.Failure.class,
                        f -> assertThat(f.getMessage()).contains("is not a deployment of service api-roll"));
        assertThat(service("api-roll").deployments()).hasSize(1);
    }

    @Test
    void aDeploymentWhoseContainerFellBackToItsTagIsNotOfferedForRollback() {
        // nothing listens on port 9: best-effort (the system default) falls back to the tag after 3 attempts
        ecs.registerTaskDefinition(r -> r.family("fell-back")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/none/app:latest")
                        .memory(16)
                        .build()));
        ecs.createService(r -> r.cluster("default")
                .serviceName("fell")
                .taskDefinition("fell-back")
                .desiredCount(0));
        Eventually.await(
                "the resolution fell back to the tag",
                WAIT,
                () -> service("fell").events().stream()
                        .anyMatch(e -> e.message().contains("continuing on tag")));
        String first = service("fell").deployments().getFirst().id();
        ecs.updateService(r -> r.cluster("default").service("fell").forceNewDeployment(true));
        Eventually.await(
                "a second deployment",
                WAIT,
                () -> service("fell").deployments().size() == 2
                        || !service("fell").deployments().getFirst().id().equals(first));

        ConsoleHttp b = ConsoleHttp.signedIn(server.endpoint(), "test", "test");
        assertThat(b.get("/console/clusters/default/services/fell").body())
                .doesNotContain("rollback?deployment=" + first.replace("/", "%2F"));
        HttpResponse<String> page = b.get(path("fell", "rollback") + "?deployment=" + first);
        assertThat(page.body()).contains("fell back to their tags").doesNotContain(">Roll back</button>");
        JsonApiClient api = new JsonApiClient(
                server.endpoint(), new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC())::sign);
        ObjectNode in =
                Json.object().put("cluster", "default").put("service", "fell").put("deploymentId", first);
        assertThatThrownBy(() -> api.call(LifecycleApi.TARGET_PREFIX, "RollbackService", in))
                .isInstanceOfSatisfying(JsonApiClient.Failure.class, f -> {
                    assertThat(f.type()).isEqualTo("InvalidParameterException");
                    assertThat(f.getMessage()).contains("container(s) app fell back to their tags");
                });
    }

    @Test
    void ballastRollbackRollsBackOnceAndARepeatIsAnsweredWithTheSameDeployment() {
        Service s = steadyService("cli-roll", "web-v1", 0);
        String firstId = s.deployments().getFirst().id();
        ecs.updateService(r -> r.cluster("default").service("cli-roll").taskDefinition("web-v2"));
        Eventually.await(
                "web-v2 is deployed",
                WAIT,
                () -> steady(service("cli-roll"))
                        && service("cli-roll").taskDefinition().endsWith("web-v2:1"));

        Run first = ballast("rollback", "--cluster", "default", "cli-roll", firstId);
        Run again = ballast("rollback", "cli-roll", firstId);

        assertThat(first.exit()).as(first.err()).isZero();
        Deployment primary = service("cli-roll").deployments().getFirst();
        assertThat(first.out())
                .contains("deployment " + primary.id() + " rolls ")
                .contains("back to deployment " + firstId)
                .contains("recorded image digests reused");
        assertThat(primary.taskDefinition()).isEqualTo(s.taskDefinition());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("already rolled back: deployment " + primary.id());
        assertThat(service("cli-roll").deployments().getFirst().id()).isEqualTo(primary.id());
        Run refused = ballast("rollback", "cli-roll", primary.id());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("InvalidParameterException").contains("is the PRIMARY deployment");
    }

    record Run(int exit, String out, String err) {}

    private static Run ballast(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", server.endpoint().toString(), "--access-key", "test", "--secret-key", "test"));
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void approveRecordsTheApprovalOfTheDigest() {
        steadyService("gate-web", "web-v2", 0);
        String digest = "sha256:" + "ab".repeat(32);
        ConsoleHttp b = ConsoleHttp.signedIn(server.endpoint(), "test", "test");

        HttpResponse<String> page = b.get(path("gate-web", "approve?digest=" + digest));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<code class=\"digest\">" + digest + "</code>")
                .contains("name=\"digest\" value=\"" + digest + "\"")
                .contains(">Approve digest</button>")
                .contains("holds for this digest only");
        HttpResponse<String> done = b.post(path("gate-web", "approve"), Map.of("csrf", b.csrf(page), "digest", digest));

        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(page.body()).doesNotContain("already approved");
        assertThat(b.get(path("gate-web", "approve?digest=" + digest)).body())
                .contains("This digest is already approved for gate-web.");
        assertThat(b.get(path("gate-web", "approve?digest=sha256:" + "cd".repeat(32)))
                        .body())
                .doesNotContain("already approved");
        assertThat(b.notice()).contains("Digest " + digest + " approved for service gate-web");
        HttpResponse<String> bad = b.get(path("gate-web", "approve?digest=sha256:nothex"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("is not an image digest");
    }

    @Test
    void anActionWithoutTheSessionsCsrfTokenOrFromAnotherSiteIsRefused() {
        steadyService("guarded", "web-v1", 0);
        ConsoleHttp a = ConsoleHttp.signedIn(server.endpoint(), "test", "test");
        ConsoleHttp other = ConsoleHttp.signedIn(server.endpoint(), "test", "test");
        String token = a.csrf(a.get(path("guarded", "force")));
        String othersToken = other.csrf(other.get(path("guarded", "force")));
        assertThat(othersToken).isNotEqualTo(token);

        HttpResponse<String> missing = a.post(path("guarded", "force"), Map.of());
        HttpResponse<String> foreign = a.post(path("guarded", "force"), Map.of("csrf", othersToken));
        HttpResponse<String> evil =
                a.post(path("guarded", "force"), Map.of("csrf", token), "Origin", "http://evil.example");
        HttpResponse<String> noSession =
                ConsoleHttp.anonymous(server.endpoint()).post(path("guarded", "force"), Map.of("csrf", token));

        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(missing.body()).contains("CSRF token is missing or does not match");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.body()).contains("another site");
        assertThat(noSession.statusCode()).isEqualTo(403);
        assertThat(service("guarded").deployments()).hasSize(1);
    }

    @Test
    void aReadOnlyKeyReadsButChangesNothingOnTheConsoleOrTheApi() {
        steadyService("watched", "web-v1", 0);
        ConsoleHttp viewer = ConsoleHttp.signedIn(server.endpoint(), "viewer", "viewer-secret");
        HttpResponse<String> form = viewer.get(path("watched", "scale"));
        assertThat(form.statusCode())
                .as("no confirmation page for a read-only key")
                .isEqualTo(403);
        assertThat(form.body()).contains("The access key viewer is read-only");
        HttpResponse<String> page = viewer.get("/console/clusters/default/services/watched");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(">read-only</span>").doesNotContain(">Scale</a>");

        HttpResponse<String> refused =
                viewer.post(path("watched", "scale"), Map.of("csrf", viewer.csrf(page), "desiredCount", "4"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("The access key viewer is read-only");
        assertThat(service("watched").desiredCount()).isZero();
        try (EcsClient readOnly = Clients.ecs(server.endpoint(), "viewer", "viewer-secret")) {
            assertThat(readOnly.describeServices(r -> r.cluster("default").services("watched"))
                            .services())
                    .hasSize(1);
            assertThat(readOnly.listServices(r -> r.cluster("default")).serviceArns())
                    .isNotEmpty();
            assertThatThrownBy(() -> readOnly.updateService(
                            r -> r.cluster("default").service("watched").desiredCount(4)))
                    .isInstanceOfSatisfying(EcsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .contains("viewer")
                                .contains("UpdateService");
                    });
        }
        assertThat(service("watched").desiredCount()).isZero();
    }

    @Test
    void aWrongKeyAtTheLoginGets401AndNoCookie() {
        ConsoleHttp b = ConsoleHttp.anonymous(server.endpoint());
        for (Map<String, String> form : List.of(
                Map.of("accessKeyId", "test", "secretAccessKey", "wrong"),
                Map.of("accessKeyId", "nobody", "secretAccessKey", "test"))) {
            HttpResponse<String> res = b.post("/console/login", form);
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(res.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith(Sessions.COOKIE + "="));
            assertThat(res.body()).contains("The access key ID or the secret access key is wrong.");
        }
        assertThat(b.get(path("guarded", "force")).statusCode()).isEqualTo(303);
    }

    private static JsonNode rollback(JsonApiClient api, String deploymentId, String arn) {
        ObjectNode in = Json.object().put("cluster", "default").put("service", "api-roll");
        if (deploymentId != null) {
            in.put("deploymentId", deploymentId);
        }
        if (arn != null) {
            in.put("serviceDeploymentArn", arn);
        }
        return api.call(LifecycleApi.TARGET_PREFIX, "RollbackService", in);
    }

    private static String path(String service, String action) {
        return "/console/clusters/default/services/" + service + "/" + action;
    }

    private static Service steadyService(String name, String taskDefinition, int desired) {
        ecs.createService(r -> r.cluster("default")
                .serviceName(name)
                .taskDefinition(taskDefinition)
                .desiredCount(desired));
        Eventually.await(name + " is steady", WAIT, () -> steady(service(name)));
        return service(name);
    }

    private static boolean steady(Service s) {
        return s.deployments().size() == 1
                && s.deployments().getFirst().rolloutStateAsString().equals("COMPLETED")
                && s.runningCount() == s.desiredCount();
    }

    private static Service service(String name) {
        return ecs.describeServices(r -> r.cluster("default").services(name))
                .services()
                .getFirst();
    }

    private static List<Task> tasks(String service) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster("default").serviceName(service).desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster("default").tasks(arns)).tasks();
    }
}
