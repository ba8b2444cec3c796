package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.cli.Main;
import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * {@code ballast pins} against a running server and a real registry: the keep-list (pinned digests of active
 * deployments and rollback targets, and the children of a pinned index) fed to a clean-up job that deletes every
 * other manifest; afterwards every service still scales out on simulated instances, which fetch by digest. Also
 * the table and JSON outputs, the filters and a bad filter.
 */
class PinsCleanupIT {
    private GuardFixture f;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        f = new GuardFixture(Duration.ZERO); // --guard-interval 0: no sweep records index children
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void aCleanUpThatKeepsTheKeepListLeavesEveryServiceAbleToScaleOut() throws Exception {
        String host = f.registry.host();
        Digest web1 = f.registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        Digest web2 = f.registry.images().push("demo/web:v2", TestImages.Format.OCI, "web-2");
        Digest index = f.registry.images().pushIndex("demo/multi:v1", TestImages.Format.OCI, "multi-1");
        Digest unused = f.registry.images().push("demo/web:old", TestImages.Format.OCI, "web-0");
        Digest junk = f.registry.images().push("demo/junk:v1", TestImages.Format.OCI, "junk-1");
        f.register("web", "demo/web:v1", "enabled");
        f.register("multi", "demo/multi:v1", "enabled");
        f.ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(1));
        f.ecs.createService(r -> r.serviceName("multi").taskDefinition("multi").desiredCount(1));
        f.awaitStable("web");
        f.awaitStable("multi");
        f.register("web", "demo/web:v2", "enabled");
        f.ecs.updateService(r -> r.service("web").taskDefinition("web:2"));
        f.awaitStable("web"); // deployment 1 (web:v1) is now the rollback target
        // right after the deploys, no sweep: nothing has recorded the index's children yet
        assertThat(f.server.server().store().indexPlatforms().find(host, "demo/multi", index.toString()))
                .isEmpty();

        Run keep = ballast("pins", "--output", "keep-list");
        assertThat(keep.exit()).as(keep.err()).isZero();
        List<String> lines = keep.out().lines().toList();
        assertThat(lines).isSorted().allMatch(l -> l.matches("[^ ]+/demo/[a-z]+@sha256:[0-9a-f]{64}"));
        assertThat(lines)
                .contains(host + "/demo/web@" + web2, host + "/demo/web@" + web1, host + "/demo/multi@" + index)
                .doesNotContain(host + "/demo/web@" + unused, host + "/demo/junk@" + junk)
                .hasSize(5); // web v2, web v1 (rollback target), the index and its two children

        List<String> deleted = KeepListCleanup.run(f.registry.baseUri(), host, new HashSet<>(lines));
        assertThat(deleted).containsExactlyInAnyOrder(host + "/demo/web@" + unused, host + "/demo/junk@" + junk);

        f.clock.advance(GuardFixture.PAST_TTL); // the guard asks the registry again before these launches
        f.ecs.updateService(r -> r.service("web").desiredCount(3));
        f.ecs.updateService(r -> r.service("multi").desiredCount(3));
        f.awaitStable("web");
        f.awaitStable("multi");
        assertThat(f.service("web").runningCount()).isEqualTo(3);
        assertThat(f.service("multi").runningCount()).isEqualTo(3);
        assertThat(f.events("web")).noneMatch(m -> m.contains("CannotPullContainerError") || m.contains("missing"));
        assertThat(f.events("multi")).noneMatch(m -> m.contains("CannotPullContainerError") || m.contains("missing"));
        for (String line : lines) { // the rollback target and the index's children are still there
            String repository = line.substring(host.length() + 1, line.indexOf('@'));
            f.manifest(repository, line.substring(line.indexOf('@') + 1));
        }
    }

    @Test
    void tableJsonFiltersAndABadFilter() throws Exception {
        String host = f.registry.host();
        Digest web = f.registry.images().push("team/web:v1", TestImages.Format.OCI, "w-1");
        Digest api = f.registry.images().push("other/api:v1", TestImages.Format.OCI, "a-1");
        f.register("web", "team/web:v1", "enabled");
        f.register("api", "other/api:v1", "enabled");
        f.ecs.createCluster(r -> r.clusterName("quiet"));
        f.ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(1));
        f.ecs.createService(
                r -> r.cluster("quiet").serviceName("api").taskDefinition("api").desiredCount(0));
        f.awaitStable("web");
        Eventually.await("api resolved", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return ballast("pins", "--output", "keep-list").out().lines().count() == 2;
        });

        Run table = ballast("pins");
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList().getFirst())
                .startsWith("PIN")
                .contains("ROLE")
                .contains("SERVICE");
        assertThat(table.out()).contains(host + "/team/web@" + web).contains("active-deployment");

        Run json = ballast("pins", "--repository", "team/*", "--registry", host, "--output", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode answer = new ObjectMapper().readTree(json.out());
        assertThat(answer.path("pins")).hasSize(1);
        JsonNode pin = answer.path("pins").get(0);
        assertThat(pin.path("reference").asText()).isEqualTo(host + "/team/web@" + web);
        assertThat(pin.path("missing").asBoolean()).isFalse();
        JsonNode by = pin.path("heldBy").get(0);
        assertThat(by.path("serviceName").asText()).isEqualTo("web");
        assertThat(by.path("role").asText()).isEqualTo("active-deployment");
        assertThat(by.path("containerName").asText()).isEqualTo("app");
        assertThat(by.path("tag").asText()).isEqualTo("v1");
        assertThat(by.path("image").asText()).isEqualTo(host + "/team/web:v1");
        assertThat(by.path("clusterArn").asText()).endsWith(":cluster/default");
        assertThat(by.path("deploymentId").asText()).startsWith("ecs-svc/");

        assertThat(ballast("pins", "--cluster", "quiet", "--output", "keep-list")
                        .out())
                .isEqualTo(host + "/other/api@" + api + "\n");
        assertThat(ballast("pins", "--repository", "team/web", "--output", "keep-list")
                        .out())
                .isEqualTo(host + "/team/web@" + web + "\n");
        assertThat(ballast("pins", "--registry", "registry.example.com", "--output", "keep-list")
                        .out())
                .isEmpty();

        Run bad = ballast("pins", "--registry", "not a host");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err()).startsWith("ballast pins: InvalidParameterException: Invalid 'registry' 'not a host'");
        Run repo = ballast("pins", "--repository", "Team Web");
        assertThat(repo.exit()).isEqualTo(1);
        assertThat(repo.err()).startsWith("ballast pins: InvalidParameterException: Invalid 'repository' 'Team Web'");
        Run format = ballast("pins", "--output", "yaml");
        assertThat(format.exit()).isEqualTo(2);
        assertThat(format.err()).contains("'yaml' is not an output format");
        Run unknown = ballast("pins", "--cluster", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("ClusterNotFoundException");
    }

    @Test
    void aKeepListWhoseIndexChildrenCannotBeLearnedExitsNonZeroNamingTheDigest() {
        String pinned;
        try (RegistryFixture other = RegistryFixture.start()) {
            Digest digest = other.images().pushIndex("demo/far:v1", TestImages.Format.OCI, "far-1");
            pinned = other.host() + "/demo/far@" + digest;
            f.ecs.registerTaskDefinition(r -> r.family("far")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(other.host() + "/demo/far:v1")
                            .memory(16)
                            .versionConsistency("enabled")
                            .build()));
            f.ecs.createService(r -> r.serviceName("far").taskDefinition("far").desiredCount(1));
            f.awaitStable("far");
        } // the registry is down now, and nothing recorded the index's children

        Run keep = ballast("pins", "--output", "keep-list");
        assertThat(keep.exit()).isEqualTo(1);
        assertThat(keep.err()).contains("the keep-list is incomplete").contains(pinned);
        Run json = ballast("pins", "--output", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out()).contains("\"childrenKnown\" : false");
    }

    private Run ballast(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of("--endpoint", f.server.endpoint().toString(), "--access-key", "test", "--secret-key", "test"));
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
