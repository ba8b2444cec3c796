package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/** {@code ballast policy …} in-process against a running server. */
class PolicyCommandTest {
    static TestServer server;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        server = TestServer.sqlite();
        server.client().createCluster(r -> r.clusterName("prod"));
        server.client()
                .registerTaskDefinition(r -> r.family("shop")
                        .containerDefinitions(
                                ContainerDefinition.builder()
                                        .name("app")
                                        .image("ghcr.io/acme/app:1")
                                        .memory(64)
                                        .build(),
                                ContainerDefinition.builder()
                                        .name("logs")
                                        .image("amazon/aws-for-fluent-bit:stable")
                                        .memory(64)
                                        .build()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Run ballast(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint", server.endpoint().toString(), "--access-key", "test"));
        if (!all.contains("--secret-key")) {
            all.addAll(List.of("--secret-key", "test"));
        }
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void put_list_explain_delete() {
        Run put = ballast("policy", "put", "--cluster", "prod", "*/acme/*", "enabled");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out())
                .isEqualTo("put cluster " + TestServer.ACCOUNT.clusterArn("prod") + " rule */acme/* -> enabled\n");

        Run list = ballast("policy", "list", "--cluster", "prod");
        assertThat(list.out()).contains("cluster-rule").contains("*/acme/*").doesNotContain("managed-catalog");
        Run account = ballast("policy", "list");
        assertThat(account.out()).contains("managed-catalog  disabled").contains("docker.io/amazon/aws-xray-daemon:*");

        Run explain = ballast("policy", "explain", "--cluster", "prod", "shop");
        assertThat(explain.exit()).isZero();
        assertThat(explain.out().lines())
                .anySatisfy(l -> assertThat(l)
                        .startsWith("app")
                        .contains("consistent")
                        .contains("cluster-rule")
                        .endsWith("ghcr.io/acme/app:1 [*/acme/*]"));
        assertThat(explain.out().lines())
                .anySatisfy(l ->
                        assertThat(l).startsWith("logs").contains("disabled").contains("managed-catalog"));

        Run json = ballast("policy", "explain", "shop", "--json");
        assertThat(json.out()).contains("\"decidedBy\" : \"system-default\"");

        Run delete = ballast("policy", "delete", "--cluster", "prod", "*/acme/*");
        assertThat(delete.out()).startsWith("deleted cluster ");
        assertThat(ballast("policy", "list", "--cluster", "prod").out().lines()).hasSize(1);
    }

    @Test
    void errors_name_the_input_and_exit_non_zero() {
        Run bad = ballast("policy", "put", "x*", "sometimes");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err())
                .contains("InvalidParameterException")
                .contains("'sometimes'")
                .contains("Accepted values: enabled or consistent (strict), best-effort, disabled.");
        Run noCluster = ballast("policy", "list", "--cluster", "ghost");
        assertThat(noCluster.err()).contains("ClusterNotFoundException").contains("'ghost'");
        Run wrongKey = ballast("policy", "list", "--secret-key", "wrong");
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("Signature");
    }

    @Test
    void an_unreachable_endpoint_exits_two() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute("policy", "list", "--endpoint", "http://127.0.0.1:" + RegistryFixture.freePort());
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("cannot reach");
    }
}
