package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RegistryAccess} enforced by {@link RegistryClient}: a refused registry receives no request at all. */
class RegistryAccessProtocolIT {

    ScriptedServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    RegistryClient client(String allowed) {
        return new RegistryClient(
                RegistryConfig.defaults().withAccess(RegistryAccess.parse(allowed)), new SimpleMeterRegistry());
    }

    @Test
    void a_registry_outside_the_allow_list_receives_no_request_of_any_kind() {
        server = ScriptedServer.start(r -> Reply.json(401, "{}")
                .with("WWW-Authenticate", "Bearer realm=\"http://" + server.host() + "/token\",service=\"x\""));
        RegistryClient client = client("ghcr.io,*.example.com");
        ImageReference ref = ImageReference.parse(server.host() + "/demo/app:v1");
        List<Consumer<RegistryClient>> operations = List.of(
                c -> c.resolve(ref),
                c -> c.manifest(ref),
                c -> c.tags(ref),
                c -> c.blobExists(ref, RegistryProtocolTest.DIGEST),
                c -> c.blob(ref, RegistryProtocolTest.DIGEST),
                c -> c.pushBlob(ref, "x".getBytes(StandardCharsets.UTF_8)),
                c -> c.pushManifest(ref, "application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                c -> c.deleteManifest(
                        ImageReference.parse(server.host() + "/demo/app@" + RegistryProtocolTest.DIGEST)));
        for (Consumer<RegistryClient> op : operations) {
            assertThatThrownBy(() -> op.accept(client)).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                assertThat(e.getMessage())
                        .endsWith("registry " + server.host() + " is not in --allowed-registries")
                        .doesNotContain("ghcr.io"); // the operator's list stays out of answers
            });
        }
        assertThatThrownBy(() -> client.withCredential(new Credential("u", "p")).resolve(ref))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED));
        assertThat(server.received())
                .as("requests that reached the refused registry")
                .isEmpty();
    }

    @Test
    void the_same_registry_is_contacted_once_allowed() {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest pushed = registry.images().push("demo/app:v1", TestImages.Format.OCI, "v1");
            server = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
            ImageReference ref = ImageReference.parse(server.host() + "/demo/app:v1");
            assertThat(client("127.0.0.1:" + server.port()).resolve(ref).digest())
                    .isEqualTo(pushed);
            assertThat(server.received()).isNotEmpty();
        }
    }

    @Test
    void a_link_local_registry_is_refused_by_default_without_connecting() {
        RegistryClient client = client("");
        assertThatThrownBy(() -> client.resolve(ImageReference.parse("169.254.169.254/latest/meta-data:v1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                    assertThat(e.getCause()).isNull();
                    assertThat(e.getMessage()).contains("169.254.169.254 is a link-local or cloud metadata address");
                });
    }

    @Test
    void a_redirect_to_a_metadata_address_is_not_followed() {
        server = ScriptedServer.start(r -> r.path().contains("/manifests/")
                ? Reply.of(307).with("Location", "http://169.254.169.254/latest/meta-data/iam/security-credentials/")
                : Reply.of(200));
        assertThatThrownBy(() -> client("").resolve(ImageReference.parse(server.host() + "/demo/app:v1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REFUSED);
                    assertThat(e.getMessage()).contains("not following http://169.254.169.254/latest/meta-data");
                });
    }
}
