package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * {@code ballast policy …} against a running server, with no {@code --endpoint} or key options: the endpoint,
 * region and credentials come from the AWS CLI's environment variables and profile files, injected here
 * (no process environment is changed); {@code policy explain} takes several families or {@code --all} in one
 * process.
 */
class PolicyCommandEnvironmentTest {
    static TestServer server;
    static Path home;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.sqlite();
        home = Files.createTempDirectory("ballast-home-");
        server.client()
                .registerTaskDefinition(r -> r.family("shop")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image("ghcr.io/acme/app:1")
                                .memory(64)
                                .build()));
        server.client()
                .registerTaskDefinition(r -> r.family("tools")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("agent")
                                .image("datadog/agent:7")
                                .memory(64)
                                .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs {@code ballast args} with exactly {@code env} as the environment and {@code home} as the home directory. */
    static Run ballast(Map<String, String> env, Path home, String... args) {
        CommandLine cmd = Main.commandLine(new AwsEnvironment(env, home));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String unreachable() {
        return "http://127.0.0.1:" + RegistryFixture.freePort();
    }

    static Map<String, String> env(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void the_endpoint_comes_from_aws_endpoint_url_ecs_then_aws_endpoint_url() {
        String url = server.endpoint().toString();
        Run ecs = ballast(env("AWS_ENDPOINT_URL_ECS", url, "AWS_ENDPOINT_URL", unreachable()), home, "policy", "list");
        assertThat(ecs.exit()).as(ecs.err()).isZero();
        assertThat(ecs.out()).contains("managed-catalog");
        Run general = ballast(env("AWS_ENDPOINT_URL", url), home, "policy", "list");
        assertThat(general.exit()).as(general.err()).isZero();
        Run option = ballast(env("AWS_ENDPOINT_URL_ECS", unreachable()), home, "policy", "list", "--endpoint", url);
        assertThat(option.exit()).as("--endpoint wins").isZero();
        Run bad = ballast(env("AWS_ENDPOINT_URL_ECS", "ftp://x"), home, "policy", "list");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("AWS_ENDPOINT_URL_ECS").contains("ftp://x");
    }

    @Test
    void credentials_come_from_the_environment() {
        String url = server.endpoint().toString();
        Run ok = ballast(
                env("AWS_ENDPOINT_URL", url, "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"),
                home,
                "policy",
                "list");
        assertThat(ok.exit()).as(ok.err()).isZero();
        Run wrong = ballast(
                env("AWS_ENDPOINT_URL", url, "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "wrong"),
                home,
                "policy",
                "list");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("Signature");
        Run token = ballast(
                env(
                        "AWS_ENDPOINT_URL",
                        url,
                        "AWS_ACCESS_KEY_ID",
                        "test",
                        "AWS_SECRET_ACCESS_KEY",
                        "test",
                        "AWS_SESSION_TOKEN",
                        "tok"),
                home,
                "policy",
                "list");
        assertThat(token.exit())
                .as("the session token is sent; the development pair has none")
                .isEqualTo(1);
        assertThat(token.err()).contains("UnrecognizedClient");
    }

    @Test
    void credentials_region_and_endpoint_come_from_the_profile_files() throws IOException {
        Path dir = Files.createTempDirectory("ballast-aws-");
        Path credentials = Files.writeString(dir.resolve("credentials"), """
                [default]
                aws_access_key_id = test
                aws_secret_access_key = wrong

                # the CI profile
                [ci]
                aws_access_key_id = test
                aws_secret_access_key = test
                """);
        Path config = Files.writeString(dir.resolve("config"), """
                [default]
                region = eu-west-1

                [profile ci]
                region = eu-central-1
                endpoint_url = %s
                """.formatted(server.endpoint()));
        Map<String, String> files =
                env("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_CONFIG_FILE", config.toString());

        Map<String, String> ci = new HashMap<>(files);
        ci.put("AWS_PROFILE", "ci");
        Run ok = ballast(ci, home, "policy", "list");
        assertThat(ok.exit()).as(ok.err()).isZero();

        Map<String, String> dflt = new HashMap<>(files);
        dflt.put("AWS_ENDPOINT_URL", server.endpoint().toString());
        Run wrong = ballast(dflt, home, "policy", "list");
        assertThat(wrong.exit())
                .as("the default profile's wrong secret is used")
                .isEqualTo(1);
        assertThat(wrong.err()).contains("Signature");

        Map<String, String> missing = new HashMap<>(files);
        missing.put("AWS_PROFILE", "nope");
        Run none = ballast(missing, home, "policy", "list");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("'nope'").contains("AWS_PROFILE");
        Run keysGiven = ballast(
                missing,
                home,
                "policy",
                "list",
                "--endpoint",
                server.endpoint().toString(),
                "--access-key",
                "test",
                "--secret-key",
                "test");
        assertThat(keysGiven.exit())
                .as("both key options given: no profile needed; %s", keysGiven.err())
                .isZero();

        AwsEnvironment environment = new AwsEnvironment(ci, home);
        assertThat(environment.region(null)).isEqualTo("eu-central-1");
        assertThat(environment.endpoint(null)).isEqualTo(server.endpoint());
        assertThat(new AwsEnvironment(files, home).region(null)).isEqualTo("eu-west-1");
    }

    @Test
    void the_home_directory_files_are_the_default() throws IOException {
        Path otherHome = Files.createTempDirectory("ballast-home-");
        Files.createDirectories(otherHome.resolve(".aws"));
        Files.writeString(
                otherHome.resolve(".aws/credentials"),
                "[default]\naws_access_key_id=test\naws_secret_access_key=wrong\n");
        Run wrong = ballast(env("AWS_ENDPOINT_URL", server.endpoint().toString()), otherHome, "policy", "list");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("Signature");
        Files.writeString(
                otherHome.resolve(".aws/credentials"),
                "[default]\naws_access_key_id=test\naws_secret_access_key=test\n");
        assertThat(ballast(env("AWS_ENDPOINT_URL", server.endpoint().toString()), otherHome, "policy", "list")
                        .exit())
                .isZero();
    }

    @Test
    void region_order() {
        assertThat(new AwsEnvironment(env("AWS_REGION", "ap-south-1", "AWS_DEFAULT_REGION", "eu-west-3"), home)
                        .region(null))
                .isEqualTo("ap-south-1");
        assertThat(new AwsEnvironment(env("AWS_DEFAULT_REGION", "eu-west-3"), home).region(null))
                .isEqualTo("eu-west-3");
        assertThat(new AwsEnvironment(env("AWS_DEFAULT_REGION", "eu-west-3"), home).region("us-west-2"))
                .isEqualTo("us-west-2");
        assertThat(new AwsEnvironment(env(), home).region(null)).isEqualTo("us-east-1");
        assertThat(new AwsEnvironment(env(), home).endpoint(null)).isEqualTo(URI.create("http://127.0.0.1:8460"));
        assertThat(new AwsEnvironment(env(), home).credentials(null, null).accessKeyId())
                .isEqualTo("test");
        assertThatThrownBy(() -> new AwsEnvironment(env("AWS_ENDPOINT_URL", "not a url"), home).endpoint(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_ENDPOINT_URL");
    }

    @Test
    void explain_takes_several_families_or_all_in_one_process() {
        Map<String, String> e = env("AWS_ENDPOINT_URL_ECS", server.endpoint().toString());
        Run two = ballast(e, home, "policy", "explain", "shop", "tools");
        assertThat(two.exit()).as(two.err()).isZero();
        assertThat(two.out())
                .contains("task-definition/shop:1")
                .contains("task-definition/tools:1")
                .containsPattern("agent\\s+disabled\\s+managed-catalog");

        Run all = ballast(e, home, "policy", "explain", "--all", "--json");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out())
                .contains("\"explanations\"")
                .contains("task-definition/shop:1")
                .contains("task-definition/tools:1");

        Run oneBad = ballast(e, home, "policy", "explain", "shop", "ghost");
        assertThat(oneBad.exit()).isEqualTo(1);
        assertThat(oneBad.out()).contains("task-definition/shop:1");
        assertThat(oneBad.err()).contains("'ghost'");

        Run neither = ballast(e, home, "policy", "explain");
        assertThat(neither.exit()).isEqualTo(2);
        assertThat(ballast(e, home, "policy", "explain", "--all", "shop").exit())
                .isEqualTo(2);
    }
}
