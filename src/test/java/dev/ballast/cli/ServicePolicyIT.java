package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The service image-lifecycle policy operations (PutServiceImagePolicy, DescribeServiceImagePolicy,
 * DeleteServiceImagePolicy) through a SigV4-signed client against a running server, their ECS-style errors (nothing
 * written on a refused request), and {@code ballast service-policy} in-process.
 */
class ServicePolicyIT {
    static TestServer server;
    static JsonApiClient api;
    static String serviceArn;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        server.client().createCluster(r -> r.clusterName("prod"));
        server.client()
                .registerTaskDefinition(r -> r.family("shop")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image("127.0.0.1:9/acme/app:1")
                                .memory(64)
                                .versionConsistency("disabled")
                                .build()));
        serviceArn = server.client()
                .createService(r -> r.cluster("prod")
                        .serviceName("web")
                        .taskDefinition("shop")
                        .desiredCount(0))
                .service()
                .serviceArn();
        api = new JsonApiClient(
                server.endpoint(),
                new SigV4Signer("test", "test", TestServer.ACCOUNT.region(), "ecs", Clock.systemUTC())::sign);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode call(String op, ObjectNode in) {
        return api.call(LifecycleApi.TARGET_PREFIX, op, in);
    }

    static ObjectNode web() {
        return Json.object().put("cluster", "prod").put("service", "web");
    }

    @Test
    void putKeepsMembersLeftOutAndDeleteRestoresTheDefault() {
        JsonNode initial = call("DescribeServiceImagePolicy", web());
        assertThat(initial.path("default").asBoolean()).isTrue();
        assertThat(initial.path("policy").path("onMissingImage").asText()).isEqualTo("fail");
        assertThat(initial.path("policy").path("cooldownSeconds").asLong()).isEqualTo(300);

        call("PutServiceImagePolicy", web().put("onMissingImage", "reresolve").put("cooldownSeconds", 60));
        JsonNode second = call("PutServiceImagePolicy", web().put("refresh", true));
        assertThat(second.path("serviceArn").asText()).isEqualTo(serviceArn);
        assertThat(second.path("policy").path("onMissingImage").asText()).isEqualTo("reresolve");
        assertThat(second.path("policy").path("cooldownSeconds").asLong()).isEqualTo(60);
        assertThat(second.path("policy").path("refresh").asBoolean()).isTrue();
        assertThat(server.server().store().imagePolicies().policy(serviceArn))
                .isEqualTo(new ImageLifecyclePolicy(MissingImageAction.RERESOLVE, true, false, 60, false));
        assertThat(call(
                                "DescribeServiceImagePolicy",
                                Json.object().put("cluster", "prod").put("service", serviceArn))
                        .path("default")
                        .asBoolean())
                .isFalse();

        JsonNode deleted = call("DeleteServiceImagePolicy", web());
        assertThat(deleted.path("default").asBoolean()).isTrue();
        assertThat(server.server().store().imagePolicies().find(serviceArn)).isEmpty();
        assertThat(error(() -> call("DeleteServiceImagePolicy", web()))).startsWith("ResourceNotFoundException");
    }

    @Test
    void badInputIsRefusedNamingTheMemberAndWritesNothing() {
        assertThat(error(() -> call(
                        "PutServiceImagePolicy",
                        Json.object().put("cluster", "prod").put("service", "nope"))))
                .startsWith("ServiceNotFoundException")
                .contains("nope");
        assertThat(error(() -> call(
                        "PutServiceImagePolicy",
                        Json.object().put("cluster", "gone").put("service", "web"))))
                .startsWith("ClusterNotFoundException");
        assertThat(error(() -> call("PutServiceImagePolicy", Json.object().put("cluster", "prod"))))
                .startsWith("InvalidParameterException")
                .contains("'service'");
        assertThat(error(() -> call("PutServiceImagePolicy", web().put("onMissingImage", "retry"))))
                .startsWith("InvalidParameterException")
                .contains("'onMissingImage'")
                .contains("fail, reresolve");
        assertThat(error(() -> call("PutServiceImagePolicy", web().put("cooldownSeconds", -1))))
                .startsWith("InvalidParameterException")
                .contains("'cooldownSeconds'");
        assertThat(error(() -> call("PutServiceImagePolicy", web().put("cooldownSeconds", 1.5))))
                .startsWith("SerializationException")
                .contains("'cooldownSeconds'");
        assertThat(error(() -> call("PutServiceImagePolicy", web().put("refresh", "yes"))))
                .startsWith("SerializationException")
                .contains("'refresh'");
        assertThat(error(() -> call("PutServiceImagePolicy", web().put("cooldown", 5))))
                .startsWith("InvalidParameterException")
                .contains("'cooldown'");
        // a valid member next to a bad one is not written either
        assertThat(error(() ->
                        call("PutServiceImagePolicy", web().put("refresh", true).put("cooldownSeconds", -5))))
                .startsWith("InvalidParameterException");
        assertThat(server.server().store().imagePolicies().find(serviceArn)).isEmpty();
    }

    @Test
    void aServiceRecreatedWithTheSameNameStartsWithTheDefaultPolicyAndNoApprovals() {
        try (EcsClient ecs = server.client()) {
            recreate(ecs);
        }
    }

    private static void recreate(EcsClient ecs) {
        String arn = ecs.createService(r -> r.cluster("prod")
                        .serviceName("again")
                        .taskDefinition("shop")
                        .desiredCount(0))
                .service()
                .serviceArn();
        ObjectNode again = Json.object().put("cluster", "prod").put("service", "again");
        call("PutServiceImagePolicy", again.deepCopy().put("autoRedeploy", true).put("requireApproval", true));
        call("ApproveDigest", again.deepCopy().put("digest", "sha256:" + "a".repeat(64)));

        ecs.deleteService(r -> r.cluster("prod").service("again"));
        Eventually.await(
                "service again INACTIVE",
                Duration.ofSeconds(30),
                () -> ecs.describeServices(r -> r.cluster("prod").services(arn))
                        .services()
                        .getFirst()
                        .status()
                        .equals("INACTIVE"));
        assertThat(ecs.createService(r -> r.cluster("prod")
                                .serviceName("again")
                                .taskDefinition("shop")
                                .desiredCount(0))
                        .service()
                        .serviceArn())
                .isEqualTo(arn);

        JsonNode policy = call("DescribeServiceImagePolicy", again);
        assertThat(policy.path("default").asBoolean()).isTrue();
        assertThat(policy.path("policy").path("autoRedeploy").asBoolean()).isFalse();
        assertThat(server.server().store().approvals().isApproved(arn, "sha256:" + "a".repeat(64)))
                .isFalse();
    }

    @Test
    void imageDriftIsInTheDescribeServicesAnswerOnly() {
        String ecs = "AmazonEC2ContainerServiceV20141113";
        JsonNode updated = api.call(ecs, "UpdateService", web().put("desiredCount", 0));
        assertThat(updated.path("service").path("serviceArn").asText()).isEqualTo(serviceArn);
        assertThat(updated.path("service").has("imageDrift")).isFalse();
        ObjectNode describe = Json.object().put("cluster", "prod");
        describe.putArray("services").add("web");
        JsonNode described = api.call(ecs, "DescribeServices", describe);
        assertThat(described.path("services").get(0).has("imageDrift")).isTrue();
    }

    @Test
    void listPinsAndApproveDigestRefuseAnUnknownMemberNamingIt() {
        assertThat(error(() -> call("ListPins", Json.object().put("repo", "acme/app"))))
                .startsWith("InvalidParameterException")
                .contains("'repo'")
                .contains("cluster, registry, repository");
        String digest = "sha256:" + "b".repeat(64);
        assertThat(error(() -> call("ApproveDigest", web().put("digest", digest).put("clustr", "prod"))))
                .startsWith("InvalidParameterException")
                .contains("'clustr'");
        assertThat(error(() -> call(
                        "ApproveDigest",
                        Json.object()
                                .put("cluster", "prod")
                                .put("service", "nope")
                                .put("digest", digest))))
                .startsWith("ServiceNotFoundException")
                .contains("nope");
        assertThat(error(() -> call(
                        "ApproveDigest",
                        Json.object()
                                .put("cluster", "gone")
                                .put("service", "web")
                                .put("digest", digest))))
                .startsWith("ClusterNotFoundException");
        assertThat(server.server().store().approvals().isApproved(serviceArn, digest))
                .isFalse();
    }

    @Test
    void theCliPutsDescribesAndDeletes() {
        Run put = ballast(
                "service-policy",
                "put",
                "web",
                "--cluster",
                "prod",
                "--on-missing-image",
                "reresolve",
                "--auto-redeploy",
                "--cooldown",
                "5m",
                "--require-approval");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out())
                .contains(serviceArn)
                .contains("onMissingImage   reresolve")
                .contains("autoRedeploy     true")
                .contains("cooldown         300s")
                .contains("requireApproval  true");
        Run off = ballast("service-policy", "put", "web", "--cluster", "prod", "--no-auto-redeploy", "--json");
        assertThat(off.exit()).as(off.err()).isZero();
        assertThat(off.out()).contains("\"autoRedeploy\" : false").contains("\"requireApproval\" : true");

        Run describe = ballast("service-policy", "describe", "web", "--cluster", "prod");
        assertThat(describe.out()).contains("requireApproval  true").doesNotContain("(default policy)");
        Run bad = ballast("service-policy", "put", "web", "--cluster", "prod", "--on-missing-image", "maybe");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("InvalidParameterException").contains("'onMissingImage'");
        Run missing = ballast("service-policy", "describe", "shop", "--cluster", "prod");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("ServiceNotFoundException");

        Run delete = ballast("service-policy", "delete", "web", "--cluster", "prod");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("(default policy)");
    }

    private static String error(Runnable call) {
        try {
            call.run();
        } catch (JsonApiClient.Failure f) {
            return f.type() + ": " + f.getMessage();
        }
        throw new AssertionError("the call succeeded");
    }

    static Run ballast(String... args) {
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
}
