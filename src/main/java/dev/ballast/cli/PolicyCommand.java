package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.PolicyOperations;
import dev.ballast.model.TaskDefinitionStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
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
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Manage version-consistency image rules (pattern → mode) of the account or a cluster.",
        subcommands = {
            PolicyCommand.ListRules.class,
            PolicyCommand.PutRule.class,
            PolicyCommand.DeleteRule.class,
            PolicyCommand.Explain.class
        })
final class PolicyCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Where and as whom to call, shared by the subcommands: the options, else the AWS CLI's environment
     * variables and profile files ({@link AwsEnvironment}).
     */
    static final class Connection extends LifecycleConnection {
        @Option(names = "--cluster", description = "Cluster name or ARN (default: the account).")
        String cluster;

        @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
        boolean json;

        private final AwsEnvironment environment;
        private JsonApiClient client;

        /** Reads defaults from the process environment. */
        Connection() {
            this(AwsEnvironment.system());
        }

        Connection(AwsEnvironment environment) {
            super(environment);
            this.environment = environment;
        }

        ObjectNode input() {
            ObjectNode in = Json.object();
            if (cluster != null) {
                in.put("cluster", cluster);
            }
            return in;
        }

        /** The client, built once from the options and the environment. */
        JsonApiClient client() {
            if (client == null) {
                client = LifecycleConnection.client(environment, endpoint, region, accessKey, secretKey);
            }
            return client;
        }

        /** Calls {@code operation}; prints the JSON answer with {@code --json}, else hands it to {@code text}. */
        int call(String operation, ObjectNode input, BiConsumer<JsonNode, PrintWriter> text) {
            PrintWriter out = mixee.commandLine().getOut();
            try {
                JsonNode answer = client().call(PolicyOperations.TARGET_PREFIX, operation, input);
                if (json) {
                    out.println(answer.toPrettyString());
                } else {
                    text.accept(answer, out);
                }
                out.flush();
                return 0;
            } catch (JsonApiClient.Failure f) {
                return fail(f);
            } catch (IllegalArgumentException e) {
                return setupError(e);
            }
        }

        /** Prints an API error; 2 when the server could not be reached, else 1. */
        int fail(JsonApiClient.Failure f) {
            PrintWriter err = mixee.commandLine().getErr();
            err.println("ballast policy: " + f.type() + ": " + f.getMessage());
            err.flush();
            return f.status() == 0 ? 2 : 1;
        }

        /** Prints a problem with the endpoint, region or credentials settings; exit code 2. */
        int setupError(IllegalArgumentException e) {
            PrintWriter err = mixee.commandLine().getErr();
            err.println("ballast policy: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
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
                    out.printf(
                            "%-16s %-12s %-11s %s%s%n",
                            r.path("source").asText(),
                            r.path("mode").asText(),
                            note,
                            r.path("pattern").asText(),
                            r.has("sidecar") ? "  (" + r.path("sidecar").asText() + ")" : "");
                }
            });
        }
    }

    @Command(
            name = "put",
            mixinStandardHelpOptions = true,
            description = "Add or change a rule: images matching PATTERN (globs, * = any run) get MODE "
                    + "(enabled or consistent = strict, best-effort, disabled). Within the account or a cluster the most "
                    + "specific matching pattern wins. Applies from the next deployment.")
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
            return connection.call(
                    "PutImageRule",
                    in,
                    (answer, out) -> out.println("put " + describe(answer.path("rule"))
                            + (answer.path("rule")
                                            .path("overridesManagedCatalog")
                                            .asBoolean(false)
                                    ? " (overrides the managed catalog entry)"
                                    : "")));
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
            return connection.call(
                    "DeleteImageRule",
                    connection.input().put("pattern", pattern),
                    (answer, out) -> out.println("deleted " + describe(answer.path("rule"))));
        }
    }

    @Command(
            name = "explain",
            mixinStandardHelpOptions = true,
            description =
                    "Show, per container of each TASK_DEFINITION (or of every active family with --all), the mode "
                            + "a deployment would get and the deciding layer.")
    static final class Explain implements Callable<Integer> {
        /** The ECS target prefix, for ListTaskDefinitionFamilies. */
        static final String ECS_PREFIX = "AmazonEC2ContainerServiceV20141113";

        @Mixin
        Connection connection;

        @Parameters(paramLabel = "TASK_DEFINITION", arity = "0..*", description = "family, family:revision or ARN")
        List<String> taskDefinitions = new ArrayList<>();

        @Option(names = "--all", description = "Explain the latest revision of every ACTIVE task definition family.")
        boolean all;

        @Override
        public Integer call() {
            PrintWriter out = connection.mixee.commandLine().getOut();
            if (all == !taskDefinitions.isEmpty()) {
                connection
                        .mixee
                        .commandLine()
                        .getErr()
                        .println(
                                "ballast policy explain: name one or more task " + "definitions, or --all (not both).");
                return 2;
            }
            List<String> names;
            try {
                names = all ? families() : taskDefinitions;
            } catch (JsonApiClient.Failure f) {
                return connection.fail(f);
            } catch (IllegalArgumentException e) {
                return connection.setupError(e);
            }
            ArrayNode answers = Json.mapper().createArrayNode();
            int exit = 0;
            for (String name : names) {
                try {
                    JsonNode answer = connection
                            .client()
                            .call(
                                    PolicyOperations.TARGET_PREFIX,
                                    "ExplainPolicy",
                                    connection.input().put("taskDefinition", name));
                    answers.add(answer);
                    if (!connection.json) {
                        if (answers.size() > 1) {
                            out.println();
                        }
                        print(answer, out);
                    }
                } catch (JsonApiClient.Failure f) {
                    exit = Math.max(exit, connection.fail(f));
                    if (f.status() == 0) {
                        break;
                    }
                } catch (IllegalArgumentException e) {
                    return connection.setupError(e);
                }
            }
            if (connection.json) {
                out.println(
                        names.size() == 1 && !all && !answers.isEmpty()
                                ? answers.get(0).toPrettyString()
                                : Json.object()
                                        .<ObjectNode>set("explanations", answers)
                                        .toPrettyString());
            }
            out.flush();
            return exit;
        }

        /** The ACTIVE families, all pages of ListTaskDefinitionFamilies. */
        private List<String> families() {
            List<String> out = new ArrayList<>();
            String token = null;
            do {
                ObjectNode in = Json.object().put("status", TaskDefinitionStatus.ACTIVE.wire());
                if (token != null) {
                    in.put("nextToken", token);
                }
                JsonNode page = connection.client().call(ECS_PREFIX, "ListTaskDefinitionFamilies", in);
                page.path("families").forEach(f -> out.add(f.asText()));
                token = page.path("nextToken").asText(null);
            } while (token != null);
            return out;
        }

        private static void print(JsonNode answer, PrintWriter out) {
            out.println(answer.path("taskDefinitionArn").asText()
                    + (answer.has("cluster") ? " on " + answer.path("cluster").asText() : " (account policy)"));
            out.printf("%-20s %-12s %-16s %s%n", "CONTAINER", "MODE", "DECIDED BY", "IMAGE [RULE]");
            for (JsonNode c : answer.path("containers")) {
                out.printf(
                        "%-20s %-12s %-16s %s%s%n",
                        c.path("containerName").asText(),
                        c.path("mode").asText(),
                        c.path("decidedBy").asText(),
                        c.path("image").asText(),
                        c.has("rule") ? " [" + c.path("rule").asText() + "]" : "");
                if (c.has("note")) {
                    out.println("  note: " + c.path("note").asText());
                }
            }
        }
    }

    private static String describe(JsonNode rule) {
        String scope = rule.path("scope").asText();
        return (scope.equals("account") ? "account" : "cluster " + scope) + " rule "
                + rule.path("pattern").asText() + " -> " + rule.path("mode").asText();
    }
}
