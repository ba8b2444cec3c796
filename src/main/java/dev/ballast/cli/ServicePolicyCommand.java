package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ballast service-policy put|describe|delete SERVICE}: a service's image-lifecycle policy (what happens when
 * a pinned digest disappears, whether moved tags roll it, cooldown, approval) through the lifecycle extension API
 * (docs/policy-api.md).
 */
@Command(
        name = "service-policy",
        mixinStandardHelpOptions = true,
        description = "Manage a service's image-lifecycle policy (missing images, moved tags, cooldown, approval).",
        subcommands = {
            ServicePolicyCommand.Put.class,
            ServicePolicyCommand.Describe.class,
            ServicePolicyCommand.Delete.class
        })
final class ServicePolicyCommand implements Runnable {
    static final String NAME = "service-policy";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The target service and the output form, shared by the subcommands. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name or ARN.")
        String service;

        @Option(names = "--cluster", description = "Cluster name or ARN (default: default).")
        String cluster;

        @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
        boolean json;

        ObjectNode input() {
            ObjectNode in = Json.object().put("service", service);
            if (cluster != null) {
                in.put("cluster", cluster);
            }
            return in;
        }

        void print(JsonNode answer, PrintWriter out) {
            if (json) {
                out.println(answer.toPrettyString());
                return;
            }
            JsonNode p = answer.path("policy");
            out.println(answer.path("serviceArn").asText()
                    + (answer.path("default").asBoolean(false) ? " (default policy)" : ""));
            out.println("  onMissingImage   " + p.path("onMissingImage").asText());
            out.println("  refresh          " + p.path("refresh").asBoolean());
            out.println("  autoRedeploy     " + p.path("autoRedeploy").asBoolean());
            out.println("  cooldown         " + p.path("cooldownSeconds").asLong() + "s");
            out.println("  requireApproval  " + p.path("requireApproval").asBoolean());
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = "Create or change the service's policy; options left out keep their current value "
                    + "(or the default: fail, no refresh, no autoRedeploy, 5m cooldown, no approval).")
    static final class Put implements Callable<Integer> {
        @Mixin
        LifecycleConnection connection;

        @Mixin
        Target target;

        @Option(
                names = "--on-missing-image",
                paramLabel = "fail|reresolve",
                description = "When a pinned digest is gone: fail (stop launching) or reresolve (redeploy the tag).")
        String onMissingImage;

        @Option(
                names = "--refresh",
                negatable = true,
                description = "Replace tasks so disabled containers run a moved tag.")
        Boolean refresh;

        @Option(
                names = "--auto-redeploy",
                negatable = true,
                description = "Start a new deployment when a pinned container's tag moves.")
        Boolean autoRedeploy;

        @Option(
                names = "--cooldown",
                converter = DurationConverter.class,
                description = "How long a new digest must stay put before it rolls (e.g. 30s, 5m, 1h).")
        Duration cooldown;

        @Option(
                names = "--require-approval",
                negatable = true,
                description = "Wait for `ballast approve SERVICE DIGEST` before rolling a new digest.")
        Boolean requireApproval;

        @Override
        public Integer call() {
            ObjectNode in = target.input();
            if (onMissingImage != null) {
                in.put("onMissingImage", onMissingImage);
            }
            if (refresh != null) {
                in.put("refresh", refresh);
            }
            if (autoRedeploy != null) {
                in.put("autoRedeploy", autoRedeploy);
            }
            if (cooldown != null) {
                if (cooldown.isNegative() || cooldown.toMillis() % 1000 != 0) {
                    connection
                            .mixee
                            .commandLine()
                            .getErr()
                            .println("ballast " + NAME
                                    + ": --cooldown must be a whole, non-negative number of seconds, was " + cooldown);
                    return 2;
                }
                in.put("cooldownSeconds", cooldown.toSeconds());
            }
            if (requireApproval != null) {
                in.put("requireApproval", requireApproval);
            }
            return connection.call(NAME, "PutServiceImagePolicy", in, target::print);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show the service's policy.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        LifecycleConnection connection;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            return connection.call(NAME, "DescribeServiceImagePolicy", target.input(), target::print);
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete the service's policy; it uses the default again.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        LifecycleConnection connection;

        @Mixin
        Target target;

        @Override
        public Integer call() {
            return connection.call(NAME, "DeleteServiceImagePolicy", target.input(), target::print);
        }
    }
}
