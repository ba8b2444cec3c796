package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {

    @TempDir
    Path dir;

    Path config(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    void helper(String name, String script) throws IOException {
        Path p = dir.resolve("docker-credential-" + name);
        Files.writeString(p, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void auths_with_base64_auth_or_username_and_password() throws IOException {
        var creds = DockerConfigCredentials.load(
                config("{\"auths\":{"
                        + "\"127.0.0.1:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"},"
                        + "\"https://registry.example.com/v2/\":{\"username\":\"bob\",\"password\":\"pw\"},"
                        + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:token") + "\"},"
                        + "\"empty.example.com\":{}}}"),
                dir);
        assertThat(creds.lookup("127.0.0.1:5000")).contains(new Credential("alice", "pa:ss"));
        assertThat(creds.lookup("registry.example.com")).contains(new Credential("bob", "pw"));
        assertThat(creds.lookup("docker.io")).contains(new Credential("hub", "token"));
        assertThat(creds.lookup("empty.example.com")).isEmpty();
        assertThat(creds.lookup("other.example.com")).isEmpty();
    }

    @Test
    void cred_helpers_get_the_server_url_on_stdin() throws IOException {
        helper(
                "test",
                "read url\necho \"{\\\"ServerURL\\\":\\\"$url\\\",\\\"Username\\\":\\\"u\\\","
                        + "\\\"Secret\\\":\\\"s-$url\\\"}\"\n");
        var creds = DockerConfigCredentials.load(
                config("{\"credHelpers\":{\"ghcr.io\":\"test\",\"docker.io\":\"test\"},"
                        + "\"auths\":{\"ghcr.io\":{\"auth\":\"" + b64("ignored:x") + "\"}}}"),
                dir);
        assertThat(creds.lookup("ghcr.io")).contains(new Credential("u", "s-ghcr.io"));
        assertThat(creds.lookup("docker.io")).contains(new Credential("u", "s-https://index.docker.io/v1/"));
        assertThat(creds.lookup("quay.io")).isEmpty();
    }

    @Test
    void a_helper_runs_once_per_registry() throws IOException {
        Path log = dir.resolve("calls.log");
        helper("counting", "read url\necho \"$url\" >> " + log + "\necho '{\"Username\":\"u\",\"Secret\":\"s\"}'\n");
        var creds = DockerConfigCredentials.load(config("{\"credsStore\":\"counting\"}"), dir);
        for (int i = 0; i < 3; i++) {
            assertThat(creds.lookup("a.io")).contains(new Credential("u", "s"));
            assertThat(creds.lookup("b.io")).contains(new Credential("u", "s"));
        }
        assertThat(Files.readAllLines(log)).containsExactly("a.io", "b.io");
    }

    @Test
    void creds_store_is_the_default_helper_and_not_found_falls_back_to_auths() throws IOException {
        helper(
                "store",
                "read url\nif [ \"$url\" = known.example.com ]; then "
                        + "echo '{\"Username\":\"k\",\"Secret\":\"v\"}'; else echo 'credentials not found in native keychain'; "
                        + "exit 1; fi\n");
        var creds = DockerConfigCredentials.load(
                config("{\"credsStore\":\"store\",\"auths\":{" + "\"file.example.com\":{\"auth\":\"" + b64("f:g")
                        + "\"}}}"),
                dir);
        assertThat(creds.lookup("known.example.com")).contains(new Credential("k", "v"));
        assertThat(creds.lookup("file.example.com")).contains(new Credential("f", "g"));
        assertThat(creds.lookup("nowhere.example.com")).isEmpty();
    }

    @Test
    void failing_helper_and_bad_files_say_what_went_wrong() throws IOException {
        helper("broken", "echo 'keychain locked' >&2; exit 3\n");
        var creds = DockerConfigCredentials.load(
                config("{\"credHelpers\":{\"x.io\":\"broken\",\"y.io\":\"absent\"}}"), dir);
        assertThatThrownBy(() -> creds.lookup("x.io"))
                .hasMessageContaining("docker-credential-broken get for x.io failed: " + "keychain locked");
        assertThatThrownBy(() -> creds.lookup("y.io")).hasMessageContaining("cannot run credential helper");
        assertThatThrownBy(() -> DockerConfigCredentials.load(config("{not json"), dir))
                .hasMessageContaining("cannot read docker config");
        var bad = DockerConfigCredentials.load(
                config("{\"auths\":{\"z.io\":{\"auth\":\"" + b64("nocolon") + "\"}}}"), dir);
        assertThatThrownBy(() -> bad.lookup("z.io")).hasMessageContaining("not user:password");
        assertThat(DockerConfigCredentials.load(dir.resolve("missing.json"), null)
                        .lookup("z.io"))
                .isEmpty();
    }

    @Test
    void credentials_hide_the_password() {
        assertThat(new Credential("u", "secret").toString()).doesNotContain("secret");
        assertThatThrownBy(() -> new Credential("", "p")).hasMessageContaining("empty");
    }
}
