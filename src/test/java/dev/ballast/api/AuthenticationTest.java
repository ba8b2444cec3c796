package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.ListAccountSettingsResponse;
import software.amazon.awssdk.services.ecs.model.SettingName;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;

/**
 * SigV4 at the door of the running server: every way of getting the signature wrong is refused with the
 * AWS error type SDKs expect, and nothing a refused write asked for is stored. The operational endpoints
 * stay open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthenticationTest {
    private static final String CREATE_CLUSTER =
            "{\"clusterName\":\"%s\",\"tags\":[{\"key\":\"team\",\"value\":\"auth\"}]}";
    private static final String REGISTER = """
            {"family":"%s","containerDefinitions":[{"name":"app","image":"nginx:1.27","memory":128}]}""";
    private static final String PUT_SETTING = "{\"name\":\"containerInsights\",\"value\":\"enabled\"}";

    private TestServer server;
    private EcsClient ecs;
    private RawClient raw;

    @BeforeAll
    void start() {
        server = TestServer.sqlite();
        ecs = server.client();
        raw = RawClient.forServer(server);
    }

    @AfterAll
    void stop() {
        if (ecs != null) {
            ecs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aProperlySignedRawRequestIsAccepted() {
        RawClient.Response r = raw.call("CreateCluster", CREATE_CLUSTER.formatted("auth-signed-ok"));

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("x-amzn-RequestId")).isPresent();
        assertThat(clusterExists("auth-signed-ok")).isTrue();
    }

    @Test
    void wrongSecretIsAnInvalidSignatureAndCreatesNothing() {
        RawClient.Response r = raw.request(CREATE_CLUSTER.formatted("auth-wrong-secret"))
                .operation("CreateCluster")
                .signedWith("test", "not-the-secret")
                .send();

        assertRefused(r, 400, "InvalidSignatureException");
        assertThat(r.message()).contains("signature");
        assertThat(clusterExists("auth-wrong-secret")).isFalse();
    }

    @Test
    void unknownAccessKeyIsAnUnrecognizedClientAndRegistersNothing() {
        RawClient.Response r = raw.request(REGISTER.formatted("auth-unknown-key"))
                .operation("RegisterTaskDefinition")
                .signedWith("AKIDNOBODYKNOWS", "test")
                .send();

        assertRefused(r, 400, "UnrecognizedClientException");
        assertThat(familyExists("auth-unknown-key")).isFalse();
    }

    @Test
    void unsignedIsAMissingTokenAndPutsNoSetting() {
        RawClient.Response r = raw.request(PUT_SETTING)
                .operation("PutAccountSetting")
                .unsigned()
                .send();

        assertRefused(r, 403, "MissingAuthenticationTokenException");
        assertThat(containerInsightsSettings().settings()).isEmpty();
    }

    @Test
    void signedTwentyMinutesAgoHasExpired() {
        RawClient.Response r = raw.request(CREATE_CLUSTER.formatted("auth-expired"))
                .operation("CreateCluster")
                .signedAt(Instant.now().minus(Duration.ofMinutes(20)))
                .send();

        assertRefused(r, 400, "InvalidSignatureException");
        assertThat(r.message()).containsIgnoringCase("expired");
        assertThat(clusterExists("auth-expired")).isFalse();
    }

    @Test
    void signedTwentyMinutesAheadIsNotYetCurrent() {
        RawClient.Response r = raw.request(REGISTER.formatted("auth-future"))
                .operation("RegisterTaskDefinition")
                .signedAt(Instant.now().plus(Duration.ofMinutes(20)))
                .send();

        assertRefused(r, 400, "InvalidSignatureException");
        assertThat(r.message()).contains("not yet current");
        assertThat(familyExists("auth-future")).isFalse();
    }

    @Test
    void aBodyChangedAfterSigningIsRefusedAndNeitherVersionIsStored() {
        byte[] signed = CREATE_CLUSTER.formatted("auth-as-signed").getBytes(StandardCharsets.UTF_8);
        RawClient.Response r = raw.request(CREATE_CLUSTER.formatted("auth-tampered"))
                .operation("CreateCluster")
                .signedOver(signed)
                .send();

        assertRefused(r, 400, "InvalidSignatureException");
        assertThat(clusterExists("auth-tampered")).isFalse();
        assertThat(clusterExists("auth-as-signed")).isFalse();
    }

    @Test
    void aTargetChangedAfterSigningIsRefused() {
        RawClient.Response r = raw.request(PUT_SETTING)
                .operation("PutAccountSetting")
                .withoutHeader("X-Amz-Target")
                .unsignedHeader("X-Amz-Target", RawClient.TARGET_PREFIX + ".PutAccountSettingDefault")
                .send();

        assertRefused(r, 400, "InvalidSignatureException");
        assertThat(containerInsightsSettings().settings()).isEmpty();
    }

    @Test
    void aSignatureWithoutItsDateHeaderIsIncomplete() {
        RawClient.Response r = raw.request(PUT_SETTING)
                .operation("PutAccountSetting")
                .withoutHeader("X-Amz-Date")
                .send();

        assertRefused(r, 400, "IncompleteSignatureException");
        assertThat(containerInsightsSettings().settings()).isEmpty();
    }

    @Test
    void theSdkSeesTheErrorCodesOfBadCredentials() {
        try (EcsClient wrongSecret = server.client("test", "wrong");
                EcsClient unknownKey = server.client("AKIDNOBODYKNOWS", "test")) {
            EcsException bySecret = catchThrowableOfType(
                    EcsException.class, () -> wrongSecret.createCluster(b -> b.clusterName("auth-sdk-wrong-secret")));
            EcsException byKey = catchThrowableOfType(
                    EcsException.class, () -> unknownKey.createCluster(b -> b.clusterName("auth-sdk-unknown-key")));

            assertThat(bySecret.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(bySecret.statusCode()).isEqualTo(400);
            assertThat(bySecret.requestId()).isNotBlank();
            assertThat(byKey.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
        }
        assertThat(clusterExists("auth-sdk-wrong-secret")).isFalse();
        assertThat(clusterExists("auth-sdk-unknown-key")).isFalse();
    }

    @Test
    void healthAndMetricsAnswerWithoutAuthAndCountAuthErrorsByType() {
        raw.request("{}").operation("ListClusters").unsigned().send();
        raw.request("{}").operation("ListClusters").signedWith("test", "wrong").send();
        raw.request("{}")
                .operation("ListClusters")
                .signedWith("AKIDNOBODYKNOWS", "test")
                .send();

        RawClient.Response health = raw.get("/healthz");
        RawClient.Response metrics = raw.get("/metrics");

        assertThat(health.status()).isEqualTo(200);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text().lines().filter(l -> l.startsWith("ballast_api_errors_total{")))
                .anySatisfy(l -> assertThat(l).contains("type=\"MissingAuthenticationTokenException\""))
                .anySatisfy(l -> assertThat(l).contains("type=\"InvalidSignatureException\""))
                .anySatisfy(l -> assertThat(l).contains("type=\"UnrecognizedClientException\""));
    }

    private static void assertRefused(RawClient.Response r, int status, String type) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.errorType()).as(r.toString()).contains(type);
        assertThat(r.header("X-Amzn-ErrorType")).contains(type);
        assertThat(r.message()).isNotBlank();
    }

    private boolean clusterExists(String name) {
        return !ecs.describeClusters(b -> b.clusters(name).include(ClusterField.TAGS))
                .clusters()
                .isEmpty();
    }

    private boolean familyExists(String family) {
        return ecs.listTaskDefinitionFamilies(b -> b.familyPrefix(family).status(TaskDefinitionFamilyStatus.ALL))
                .families()
                .contains(family);
    }

    private ListAccountSettingsResponse containerInsightsSettings() {
        return ecs.listAccountSettings(b -> b.name(SettingName.CONTAINER_INSIGHTS));
    }
}
