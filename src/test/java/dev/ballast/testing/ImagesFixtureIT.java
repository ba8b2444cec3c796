package dev.ballast.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.TestImages.Format;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixture's own promises: runnable images carry busybox and the command; deletes untag. */
class ImagesFixtureIT {

    @Test
    void runnable_image_has_the_command_and_deleting_untags() {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest d = registry.images().pushRunnable("demo/run:v1", Format.DOCKER, "run-v1");
            assertThat(registry.images().inspectDigest("demo/run:v1")).isEqualTo(d);
            String config = Processes.run(
                    Duration.ofSeconds(60),
                    List.of(
                            "skopeo",
                            "inspect",
                            "--tls-verify=false",
                            "--config",
                            "docker://" + registry.host() + "/demo/run:v1"));
            assertThat(config).contains("cat /etc/app-version; sleep 3600").contains("\"architecture\": \"amd64\"");
            registry.images().delete("demo/run", d);
            String tags = Processes.run(
                    Duration.ofSeconds(60),
                    List.of("skopeo", "list-tags", "--tls-verify=false", "docker://" + registry.host() + "/demo/run"));
            assertThat(tags).doesNotContain("v1");
        }
    }
}
