package dev.ballast.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.api.Json;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.RolloutState;
import dev.ballast.model.ServiceDeploymentStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service page's sections rendered from rows written to a real SQLite store: a pending resolution record says
 * "resolving" and offers no rollback, a resolved earlier deployment offers one to writers only, a service with no
 * PRIMARY deployment has no drift to compare, and the wave shows the service's own open moved-tag rollout only.
 */
class ServicePageSectionsTest {
    static final String CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/default";
    static final String SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/default/web";
    static final String DIGEST = "sha256:" + "a".repeat(64);
    static final String NEXT = "sha256:" + "b".repeat(64);
    static final Session WRITER = new Session("test", Instant.now().plusSeconds(600), false, "t");
    static final Session READER = new Session("viewer", Instant.now().plusSeconds(600), true, "t");

    Store store;
    ServiceRow service;

    @BeforeEach
    void open() throws Exception {
        store = Store.openSqlite(Files.createTempDirectory("ballast-service-page-"), Clock.systemUTC());
        store.clusters().createOrGet("default", CLUSTER_ARN, "{\"settings\":[]}", List.of());
        service = new ServiceRow(
                SERVICE_ARN,
                "default",
                CLUSTER_ARN,
                "web",
                ServiceStatus.ACTIVE.wire(),
                2,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                Json.object(),
                null,
                1_000L,
                false);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aPendingRecordIsResolvingAndOnlyAResolvedEarlierDeploymentCanBeRolledBackToByAWriter() {
        ResolutionRecord resolved = new ResolutionRecord(
                ResolutionState.RESOLVED,
                1,
                null,
                List.of(new ContainerResolution(
                        "app",
                        "registry.example/demo/web:v1",
                        Mode.CONSISTENT,
                        Layer.SYSTEM_DEFAULT,
                        null,
                        ResolutionOutcome.RESOLVED,
                        DIGEST,
                        "registry.example/demo/web:v1@" + DIGEST,
                        2_000L,
                        null)),
                null);
        store.services()
                .create(
                        service,
                        revision("rev-1", resolved),
                        deployment("ecs-svc/1", "rev-1", DeploymentStatus.ACTIVE, 1_000L),
                        List.of());
        long version = store.services().find(SERVICE_ARN).orElseThrow().version();
        store.services()
                .updateWithDeployment(
                        service,
                        version,
                        revision("rev-2", ResolutionRecord.pending()),
                        deployment("ecs-svc/2", "rev-2", DeploymentStatus.PRIMARY, 3_000L));

        String base = ServicePageFormat.base("default", "web");
        String writer = ServicePageDeployments.render(new ServicePageData(store, service), WRITER, base)
                .toString();
        assertThat(writer.indexOf("data-deployment=\"ecs-svc/2\""))
                .as("newest first")
                .isLessThan(writer.indexOf("data-deployment=\"ecs-svc/1\""));
        String pending = writer.substring(writer.indexOf("data-deployment=\"ecs-svc/2\""), writer.indexOf("</li>"));
        assertThat(pending).contains(">resolving</span>").doesNotContain("Roll back");
        String earlier = writer.substring(writer.indexOf("data-deployment=\"ecs-svc/1\""));
        assertThat(earlier)
                .contains("<code class=\"digest\">" + DIGEST + "</code>")
                .contains("<tr data-container=\"app\">")
                .contains("<a href=\"" + base + "/rollback?deployment=ecs-svc%2F1\">Roll back to this deployment</a>");
        assertThat(ServicePageDeployments.render(new ServicePageData(store, service), READER, base)
                        .toString())
                .contains(">resolving</span>")
                .doesNotContain("Roll back");
        assertThat(ServicePageRisks.drift(new ServicePageData(store, service), base, 0)
                        .toString())
                .as("the PRIMARY's record is still pending")
                .doesNotContain("<table");
    }

    @Test
    void theWaveShowsTheServicesOwnOpenRolloutOnly() {
        store.services()
                .create(
                        service,
                        revision("rev-1", ResolutionRecord.pending()),
                        deployment("ecs-svc/1", "rev-1", DeploymentStatus.PRIMARY, 1_000L),
                        List.of());
        ServicePageData data = new ServicePageData(store, service);
        assertThat(ServicePageRisks.wave(data).toString()).contains("No moved-tag refresh or redeploy");
        store.movedTagRollouts()
                .started(new MovedTagRollouts.Rollout(
                        "ecs-svc/other",
                        SERVICE_ARN.replace("/web", "/api"),
                        MovedTagKind.REFRESH,
                        "registry.example/demo/api:v1",
                        NEXT,
                        DIGEST,
                        4_000L,
                        null,
                        null));
        assertThat(ServicePageRisks.wave(data).toString()).contains("No moved-tag refresh or redeploy");
        store.movedTagRollouts()
                .started(new MovedTagRollouts.Rollout(
                        "ecs-svc/9",
                        SERVICE_ARN,
                        MovedTagKind.AUTO_REDEPLOY,
                        "registry.example/demo/web:v1",
                        NEXT,
                        DIGEST,
                        5_000L,
                        null,
                        null));
        String wave = ServicePageRisks.wave(data).toString();
        assertThat(wave)
                .contains("<li data-deployment=\"ecs-svc/9\">")
                .contains(">autoRedeploy</span> tag <code>registry.example/demo/web:v1</code>")
                .contains("<code class=\"digest\">" + DIGEST + "</code> → <code class=\"digest\">" + NEXT + "</code>")
                .doesNotContain("ecs-svc/other");
    }

    private RevisionRow revision(String arn, ResolutionRecord record) {
        return new RevisionRow(arn, SERVICE_ARN, CLUSTER_ARN, service.taskDefinitionArn(), 1_000L, record, null);
    }

    private DeploymentRow deployment(String id, String revisionArn, DeploymentStatus status, long createdAt) {
        return new DeploymentRow(
                id,
                "arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/" + id.substring(8),
                SERVICE_ARN,
                CLUSTER_ARN,
                revisionArn,
                service.taskDefinitionArn(),
                status.wire(),
                RolloutState.COMPLETED.wire(),
                null,
                ServiceDeploymentStatus.SUCCESSFUL.wire(),
                2,
                0,
                Json.object(),
                null,
                null,
                createdAt,
                createdAt,
                createdAt);
    }
}
