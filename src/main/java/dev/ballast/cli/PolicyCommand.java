package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import dev.ballast.api.PolicyOperations;
import dev.ballast.api.auth.SigV4Signer;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ballast policy list|put|delete|explain}: the version-consistency image rules of the account or a
 * cluster, through the policy extension API (docs/policy-api.md), SigV4-signed like the AWS CLI.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Manage version-consistency image rules (pattern → mode) of the account or a cluster.",
        subcommands = {PolicyCommand.ListRules.class, PolicyCommand.PutRule.class, PolicyCommand.DeleteRule.class,
            PolicyCommand.Explain.class})
final class PolicyCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where and as whom to call, shared by the subcommands. */
    static final class Connection {
        @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:8460",
                description = "Ballast API endpoint (default: ${DEFAULT-VALUE}).")
        URI endpoint;

        @Option(names = "--region", defaultValue = "us-east-1", description = "Signing region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--access-key", description = "Access key id (default: $AWS_ACCESS_KEY_ID, else test).")
        String accessKey;

        @Option(names = "--secret-key", description = "Secret access key (default: $AWS_SECRET_ACCESS_KEY, else test).")
        String secretKey;

        @Option(names = "--cluster", description = "Cluster name or ARN (default: the account).")
        String cluster;

        @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
        boolean json;

        @Spec(Spec.Target.MIXEE)
        CommandLine.Model.CommandSpec mixee;

        ObjectNode input() {
            ObjectNode in = Json.object();
            if (cluster != null) {
                in.put("cluster", cluster);
            }
            return in;
        }

        /** Calls {@code operation}; prints the JSON answer with {@code --json}, else hands it to {@code text}. */
        int call(String operation, ObjectNode input, java.util.function.BiConsumer<JsonNode, PrintWriter> text) {
            PrintWriter out = mixee.commandLine().getOut();
            PrintWriter err = mixee.commandLine().getErr();
            String key = accessKey != null ? accessKey : env("AWS_ACCESS_KEY_ID");
            String secret = secretKey != null ? secretKey : env("AWS_SECRET_ACCESS_KEY");
            JsonApiClient client = new JsonApiClient(endpoint, new SigV4Signer(key, secret, region, "ecs", Clock.systemUTC()));
            try {
                JsonNode answer = client.call(PolicyOperations.TARGET_PREFIX, operation, input);
                if (json) {
                    out.println(answer.toPrettyString());
                } else {
                    text.accept(answer, out);
                }
                out.flush();
                return 0;
            } catch (JsonApiClient.Failure f) {
                err.println("ballast policy: " + f.type() + ": " + f.getMessage());
                err.flush();
                return f.status() == 0 ? 2 : 1;
            }
        }

        private static String env(String name) {
            String v = System.getenv(name);
            return v == null || v.isEmpty() ? "test" : v;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the image rules of the account (with the managed sidecar catalog) or of a cluster.")
    static final class ListRules implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Override
        public Integer call() {
            return connection.call("ListImageRules", connection.input(), (answer, out) -> {
                out.printf("%-16s %-12s %-11s %s%n", "SOURCE", "MODE", "NOTE", "PATTERN");
                for (JsonNode r : answer.path("rules")) {
                    String note = r.path("overridden").asBoolean(false) ? "overridden" : "";
                    out.printf("%-16s %-12s %-11s %s%s%n", r.path("source").asText(), r.path("mode").asText(), note,
                            r.path("pattern").asText(), r.has("sidecar") ? "  (" + r.path("sidecar").asText() + ")" : "");
                }
            });
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = "Add or change a rule: images matching PATTERN (globs, * = any run) get MODE "
                    + "(consistent, enabled, best-effort, disabled). Applies from the next deployment.")
    static final class PutRule implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", paramLabel = "PATTERN")
        String pattern;

        @Parameters(index = "1", paramLabel = "MODE")
        String mode;

        @Override
        public Integer call() {
            ObjectNode in = connection.input().put("pattern", pattern).put("mode", mode);
            return connection.call("PutImageRule", in, (answer, out) -> out.println("put " + describe(answer.path("rule"))
                    + (answer.path("rule").path("overridesManagedCatalog").asBoolean(false)
                    ? " (overrides the managed catalog entry)" : "")));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete the rule with PATTERN.")
    static final class DeleteRule implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", paramLabel = "PATTERN")
        String pattern;

        @Override
        public Integer call() {
            return connection.call("DeleteImageRule", connection.input().put("pattern", pattern),
                    (answer, out) -> out.println("deleted " + describe(answer.path("rule"))));
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Show, per container of TASK_DEFINITION, the mode a deployment would get and the deciding layer.")
    static final class Explain implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Parameters(index = "0", paramLabel = "TASK_DEFINITION", description = "family, family:revision or ARN")
        String taskDefinition;

        @Override
        public Integer call() {
            return connection.call("ExplainPolicy", connection.input().put("taskDefinition", taskDefinition),
                    (answer, out) -> {
                        out.println(answer.path("taskDefinitionArn").asText()
                                + (answer.has("cluster") ? " on " + answer.path("cluster").asText() : " (account policy)"));
                        out.printf("%-20s %-12s %-16s %s%n", "CONTAINER", "MODE", "DECIDED BY", "IMAGE [RULE]");
                        for (JsonNode c : answer.path("containers")) {
                            out.printf("%-20s %-12s %-16s %s%s%n", c.path("containerName").asText(),
                                    c.path("mode").asText(), c.path("decidedBy").asText(), c.path("image").asText(),
                                    c.has("rule") ? " [" + c.path("rule").asText() + "]" : "");
                        }
                    });
        }
    }

    private static String describe(JsonNode rule) {
        String scope = rule.path("scope").asText();
        return (scope.equals("account") ? "account" : "cluster " + scope) + " rule " + rule.path("pattern").asText()
                + " -> " + rule.path("mode").asText();
    }
}
