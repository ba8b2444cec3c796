package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.TagKey;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestImages;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * {@link Holdings} on a running server with a real registry: the active deployment's containers (role active),
 * the previous completed deployment's after a second one completed (role rollback-target), and a {@code disabled}
 * container held by tag only (no digest).
 */
class HoldingsIT {
    private GuardFixture f;

    @BeforeEach
    void start() {
        f = new GuardFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void activeDeploymentsRollbackTargetsAndDisabledContainers() {
        Digest app1 = f.registry.images().push("hold/app:v1", TestImages.Format.OCI, "app-1");
        Digest app2 = f.registry.images().push("hold/app:v2", TestImages.Format.OCI, "app-2");
        f.registry.images().push("hold/logs:stable", TestImages.Format.OCI, "logs-1");
        register("v1");
        f.ecs.createService(r -> r.serviceName("hold").taskDefinition("hold").desiredCount(1));
        f.awaitStable("hold");
        Holdings holdings = new Holdings(f.server.server().store());
        String first = f.service("hold").deployments().getFirst().id();

        List<Holding> once = holdings.current();
        assertThat(once).hasSize(2).allSatisfy(h -> {
            assertThat(h.role()).isEqualTo(HoldingRole.ACTIVE);
            assertThat(h.deploymentId()).isEqualTo(first);
            assertThat(h.serviceName()).isEqualTo("hold");
        });
        assertThat(once)
                .filteredOn(h -> h.container().containerName().equals("app"))
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.digest()).isEqualTo(app1.toString());
                    assertThat(h.pinned()).isTrue();
                    assertThat(h.pinnedReference()).isEqualTo(f.registry.host() + "/hold/app@" + app1);
                    assertThat(h.tag()).isEqualTo(new TagKey(f.registry.host(), "hold/app", "v1"));
                });
        assertThat(once)
                .filteredOn(h -> h.container().containerName().equals("logs"))
                .singleElement()
                .satisfies(h -> {
                    assertThat(h.digest()).as("disabled: launched from the tag").isNull();
                    assertThat(h.pinned()).isFalse();
                    assertThat(h.pinnedReference()).isNull();
                    assertThat(h.tag()).isEqualTo(new TagKey(f.registry.host(), "hold/logs", "stable"));
                });

        register("v2");
        f.ecs.updateService(r -> r.service("hold").taskDefinition("hold:2"));
        f.awaitStable("hold");
        String second = f.service("hold").deployments().getFirst().id();

        List<Holding> twice = holdings.current();
        assertThat(twice).hasSize(4);
        assertThat(twice)
                .filteredOn(h -> h.role() == HoldingRole.ACTIVE)
                .extracting(Holding::deploymentId)
                .containsOnly(second);
        assertThat(twice)
                .filteredOn(h -> h.role() == HoldingRole.ROLLBACK_TARGET)
                .extracting(Holding::deploymentId)
                .containsOnly(first);
        assertThat(twice)
                .filteredOn(Holding::pinned)
                .extracting(h -> h.role() + " " + h.digest())
                .containsExactlyInAnyOrder(HoldingRole.ACTIVE + " " + app2, HoldingRole.ROLLBACK_TARGET + " " + app1);
        assertThat(Holdings.tags(twice))
                .containsExactlyInAnyOrder(
                        new TagKey(f.registry.host(), "hold/app", "v1"),
                        new TagKey(f.registry.host(), "hold/app", "v2"),
                        new TagKey(f.registry.host(), "hold/logs", "stable"));
        assertThat(holdings.ofService(f.service("hold").serviceArn())).containsExactlyElementsOf(twice);

        // a third deployment: the first is history now, no longer read (the store selects only what can hold)
        f.registry.images().push("hold/app:v3", TestImages.Format.OCI, "app-3");
        register("v3");
        f.ecs.updateService(r -> r.service("hold").taskDefinition("hold:3"));
        f.awaitStable("hold");
        String third = f.service("hold").deployments().getFirst().id();
        assertThat(f.server.server().store().deployments().holdingImages())
                .extracting(d -> d.value().id())
                .containsExactly(third, second);
        assertThat(holdings.current())
                .filteredOn(h -> h.role() == HoldingRole.ROLLBACK_TARGET)
                .extracting(Holding::deploymentId)
                .containsOnly(second);

        f.ecs.updateService(r -> r.service("hold").desiredCount(0));
        f.awaitStable("hold");
        f.ecs.deleteService(r -> r.service("hold"));
        Eventually.await("a deleted service holds nothing once it is INACTIVE", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return "INACTIVE".equals(f.service("hold").status());
        });
        assertThat(holdings.current()).isEmpty();
    }

    private void register(String version) {
        f.ecs.registerTaskDefinition(r -> r.family("hold")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(f.registry.host() + "/hold/app:" + version)
                                .memory(16)
                                .versionConsistency("enabled")
                                .build(),
                        ContainerDefinition.builder()
                                .name("logs")
                                .image(f.registry.host() + "/hold/logs:stable")
                                .memory(16)
                                .versionConsistency("disabled")
                                .build()));
    }
}
