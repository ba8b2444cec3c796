package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.Main;
import dev.ballast.image.ImageReference;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Cooldown and approvals of a moved tag with {@code autoRedeploy}, on the injected clock (no sleeps): the service
 * waits out the cooldown (one event), then waits for {@code ballast approve} (one event per digest); a second push
 * withdraws the pending approval; approving the new digest starts the redeploy, which resolves the tag again. The
 * tag states are written as the tag watcher would; the server makes no request for them.
 */
class MovedTagApprovalIT {
    private record Run(int exit, String out, String err) {}

    @Test
    void anApprovalGatedServiceWaitsForTheCooldownAndForApproveAndASecondPushInvalidatesTheApproval() {
        MutableClock clock = new MutableClock(Instant.now());
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(0).clock(clock));
                EcsClient ecs = server.client()) {
            String image = registry.host() + "/demo/lib:stable";
            String d1 = registry.images()
                    .push("demo/lib:stable", TestImages.Format.OCI, "lib-1")
                    .toString();
            Store store = server.server().store();
            ecs.createCluster(r -> r.clusterName("default"));
            ecs.registerTaskDefinition(r -> r.family("lib")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(16)
                            .build()));
            String arn = ecs.createService(
                            r -> r.serviceName("gated").taskDefinition("lib").desiredCount(0))
                    .service()
                    .serviceArn();
            settle(server, clock, ecs, arn, 1);
            store.imagePolicies().put(arn, new ImageLifecyclePolicy(MissingImageAction.FAIL, false, true, 60, true));
            TagKey key = tagKey(image);

            // the tag moves: the cooldown runs from the move, said once however many passes see it
            String d2 = registry.images()
                    .moveTag("demo/lib:stable", TestImages.Format.OCI, "lib-2")
                    .toString();
            moved(store, key, d2, clock);
            server.server().reconcilers().passOnce();
            server.server().reconcilers().passOnce();
            assertThat(count(events(ecs), "moved to " + d2 + "; waiting for the cooldown"))
                    .isEqualTo(1);
            assertThat(store.movedTagRollouts().all()).isEmpty();

            // an approval of d2 given during the cooldown is the pending one ...
            Run approved = ballast(server, "approve", "gated", d2);
            assertThat(approved.exit()).as(approved.err()).isZero();
            assertThat(approved.out()).contains("approved " + d2).contains("the pending digest");

            // ... and a second push withdraws it: d3 needs its own approval
            String d3 = registry.images()
                    .moveTag("demo/lib:stable", TestImages.Format.OCI, "lib-3")
                    .toString();
            clock.advance(Duration.ofSeconds(30));
            moved(store, key, d3, clock);
            server.server().reconcilers().passOnce();
            assertThat(events(ecs)).anyMatch(m -> m.contains("approval of " + d2 + " withdrawn"));
            assertThat(store.approvals().isApproved(arn, d2)).isFalse();

            clock.advance(Duration.ofSeconds(59));
            server.server().reconcilers().passOnce();
            assertThat(events(ecs)).noneMatch(m -> m.contains("waiting for approval"));
            clock.advance(Duration.ofSeconds(2));
            server.server().reconcilers().passOnce();
            server.server().reconcilers().passOnce();
            assertThat(count(events(ecs), d3 + "; waiting for approval (ballast approve gated " + d3 + ")"))
                    .isEqualTo(1);
            assertThat(store.deployments().ofService(arn)).hasSize(1);

            // bad input is an ECS-style error naming it, and approves nothing
            Run bad = ballast(server, "approve", "gated", "sha256:nothex");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("InvalidParameterException").contains("'digest'");
            Run unknown = ballast(server, "approve", "nosuch", d3);
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("ServiceNotFoundException");
            Run stale = ballast(server, "approve", "gated", d2, "--json");
            assertThat(stale.out())
                    .contains("\"isPendingDigest\" : false")
                    .contains("\"pendingDigest\" : \"" + d3 + "\"");
            server.server().reconcilers().passOnce(); // withdraws the approval of d2 again
            assertThat(store.deployments().ofService(arn)).hasSize(1);

            Run ok = ballast(server, "approve", "--cluster", "default", "gated", d3);
            assertThat(ok.out()).contains("the pending digest");
            settle(server, clock, ecs, arn, 2);
            server.server().reconcilers().passOnce(); // the job sees the completed deployment on its next pass

            List<MovedTagRollouts.Rollout> rollouts = store.movedTagRollouts().all();
            assertThat(rollouts).hasSize(1);
            MovedTagRollouts.Rollout r = rollouts.getFirst();
            assertThat(r.kind()).isEqualTo(MovedTagKind.AUTO_REDEPLOY);
            assertThat(r.digest()).isEqualTo(d3);
            assertThat(r.previousDigest()).isEqualTo(d1);
            assertThat(r.outcome()).isEqualTo(MovedTagOutcome.COMPLETED);
            assertThat(events(ecs))
                    .anyMatch(m -> m.contains("tag " + key + " moved to " + d3 + " (from " + d1
                            + "): autoRedeploy started deployment " + r.deploymentId()));
            var primary = store.revisions()
                    .find(store.deployments()
                            .find(r.deploymentId())
                            .orElseThrow()
                            .value()
                            .revisionArn())
                    .orElseThrow()
                    .value();
            assertThat(primary.resolution().containers().getFirst().imageDigest())
                    .isEqualTo(d3);
        }
    }

    /**
     * Passes (moving the clock past the resolution's settle time) until the service has had {@code n} deployments, the
     * newest COMPLETED.
     */
    private static void settle(TestServer server, MutableClock clock, EcsClient ecs, String arn, int n) {
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofMillis(300));
            server.server().reconcilers().passOnce();
            List<Deployment> d = deployments(ecs);
            if (server.server().store().deployments().ofService(arn).size() == n
                    && d.getFirst().rolloutState() == DeploymentRolloutState.COMPLETED) {
                return;
            }
            try {
                Thread.sleep(50); // the resolution's registry request runs off the reconciler thread
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("deployments did not settle: " + deployments(ecs) + " " + events(ecs));
    }

    static TagKey tagKey(String image) {
        ImageReference ref = ImageReference.parse(image);
        return new TagKey(ref.registry(), ref.repository(), ref.tag().orElseThrow());
    }

    /** Writes what the tag watcher would after seeing the tag point at {@code digest}. */
    static void moved(Store store, TagKey key, String digest, Clock clock) {
        store.tagStates().record(new TagState(key, digest, null, null, clock.millis(), clock.millis(), TagSource.POLL));
    }

    private static List<Deployment> deployments(EcsClient ecs) {
        return ecs.describeServices(r -> r.services("gated"))
                .services()
                .getFirst()
                .deployments();
    }

    private static List<String> events(EcsClient ecs) {
        return ecs.describeServices(r -> r.services("gated")).services().getFirst().events().stream()
                .map(ServiceEvent::message)
                .toList();
    }

    private static long count(List<String> events, String part) {
        return events.stream().filter(m -> m.contains(part)).count();
    }

    private static Run ballast(TestServer server, String... args) {
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
