package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.image.Digest;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ballast resolve} run in-process against the real registry. */
class ResolveCommandIT {

    static RegistryFixture registry;
    static Digest app;
    static Digest index;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        app = registry.images().push("demo/app:v1", Format.OCI, "cli-app");
        index = registry.images().pushIndex("demo/multi:v1", Format.DOCKER, "cli-multi");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static Run run(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void prints_reference_and_digest_per_line_in_order() {
        String a = registry.host() + "/demo/app:v1";
        String m = registry.host() + "/demo/multi:v1";
        Run r = run("resolve", a, m);
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines())
                .containsExactly(
                        a + " " + registry.images().inspectDigest("demo/app:v1"),
                        m + " " + registry.images().inspectDigest("demo/multi:v1"));
        assertThat(r.out()).contains(app.toString(), index.toString());
    }

    @Test
    void json_has_media_type_and_platforms_of_an_index() throws Exception {
        Run r = run("resolve", "--json", registry.host() + "/demo/app:v1", registry.host() + "/demo/multi:v1");
        assertThat(r.exit()).isZero();
        JsonNode array = new ObjectMapper().readTree(r.out());
        assertThat(array).hasSize(2);
        assertThat(array.get(0).path("digest").asText()).isEqualTo(app.toString());
        assertThat(array.get(0).path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(array.get(0).has("platforms")).isFalse();
        JsonNode multi = array.get(1);
        assertThat(multi.path("reference").asText()).isEqualTo(registry.host() + "/demo/multi:v1");
        assertThat(multi.path("digest").asText()).isEqualTo(index.toString());
        assertThat(multi.path("mediaType").asText())
                .isEqualTo("application/vnd.docker.distribution.manifest.list.v2+json");
        assertThat(multi.path("platforms").findValuesAsText("architecture")).containsExactly("amd64", "arm64");
    }

    @Test
    void a_failing_reference_exits_non_zero_with_the_registry_reason() {
        String good = registry.host() + "/demo/app:v1";
        String missing = registry.host() + "/demo/app:nope";
        Run r = run("resolve", good, missing, "Foo/bar");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactly(good + " " + app);
        assertThat(r.err().lines())
                .containsExactly(
                        "ballast resolve: resolve " + missing
                                + ": registry answered 404 MANIFEST_UNKNOWN (manifest unknown)",
                        "ballast resolve: invalid image reference \"Foo/bar\": repository name must be lowercase");
    }

    @Test
    void credentials_from_options_or_docker_config() throws Exception {
        try (RegistryFixture secured = RegistryFixture.startWithBasicAuth("carol", "c-pass")) {
            Digest d = secured.images().push("demo/private:v1", Format.OCI, "private");
            String ref = secured.host() + "/demo/private:v1";
            Path empty = Files.writeString(tmp.resolve("empty.json"), "{}");

            Run ok = run(
                    "resolve", "--docker-config", empty.toString(), "--username", "carol", "--password", "c-pass", ref);
            assertThat(ok.exit()).isZero();
            assertThat(ok.out()).isEqualTo(ref + " " + d + System.lineSeparator());

            InputStream stdin = System.in;
            try {
                System.setIn(new ByteArrayInputStream("c-pass\n".getBytes(StandardCharsets.UTF_8)));
                Run piped = run(
                        "resolve", "--docker-config", empty.toString(), "--username", "carol", "--password-stdin", ref);
                assertThat(piped.exit()).isZero();
                assertThat(piped.out()).contains(d.toString());
            } finally {
                System.setIn(stdin);
            }

            Run wrong =
                    run("resolve", "--docker-config", empty.toString(), "--username", "carol", "--password", "x", ref);
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("registry answered 401; credentials for \"carol\" were rejected");

            Run none = run("resolve", "--docker-config", empty.toString(), ref);
            assertThat(none.exit()).isEqualTo(1);
            assertThat(none.err()).contains("no credentials configured for " + secured.host());

            String auth = Base64.getEncoder().encodeToString("carol:c-pass".getBytes(StandardCharsets.UTF_8));
            Path config = Files.writeString(
                    tmp.resolve("config.json"),
                    "{\"auths\":{\"http://" + secured.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            Run fromFile = run("resolve", "--docker-config", config.toString(), ref);
            assertThat(fromFile.exit()).isZero();
            assertThat(fromFile.out()).contains(d.toString());
        }
    }

    @Test
    void usage_errors() {
        assertThat(run("resolve").exit()).isEqualTo(2);
        Run r = run("resolve", "--password", "p", registry.host() + "/demo/app:v1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--password needs --username");
        Path bad = tmp.resolve("bad.json");
        Run b = run(
                "resolve", "--docker-config", writeQuietly(bad, "{nope").toString(), registry.host() + "/demo/app:v1");
        assertThat(b.exit()).isEqualTo(2);
        assertThat(b.err()).contains("cannot read docker config " + bad);
    }

    private static Path writeQuietly(Path p, String s) {
        try {
            return Files.writeString(p, s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
