package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.LifecycleApi;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ballast pins}: every digest that active deployments and rollback targets hold, with who holds it, through
 * the lifecycle extension operation {@code ListPins} (SigV4-signed like the AWS CLI). {@code --output keep-list}
 * prints one {@code registry/repository@sha256:…} per line, sorted, and nothing else: what a registry clean-up job
 * must keep (pinned digests and the children of pinned indexes); it exits 1, naming them on stderr, when the children
 * of some pinned digest could not be learned (the registry did not answer), since that keep-list is incomplete.
 */
@Command(
        name = "pins",
        mixinStandardHelpOptions = true,
        description = "List the image digests services hold (active deployments and rollback targets), with who "
                + "holds them; --output keep-list prints what a registry clean-up must not delete.")
final class PinsCommand implements Callable<Integer> {
    /** How the answer is printed. */
    enum Output {
        table,
        json,
        keep_list
    }

    @Mixin
    PolicyCommand.Connection connection;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]", description = "Only digests in this registry.")
    String registry;

    @Option(
            names = "--repository",
            paramLabel = "PATH",
            description = "Only this repository, or a glob (* matches any run of characters, / included).")
    String repository;

    @Option(
            names = {"--output", "-o"},
            paramLabel = "FORMAT",
            converter = OutputConverter.class,
            description = "table (default), json or keep-list.")
    Output output = Output.table;

    @Override
    public Integer call() {
        ObjectNode in = connection.input();
        if (registry != null) {
            in.put("registry", registry);
        }
        if (repository != null) {
            in.put("repository", repository);
        }
        PrintWriter out = connection.mixee.commandLine().getOut();
        JsonNode answer;
        try {
            answer = connection.client().call(LifecycleApi.TARGET_PREFIX, "ListPins", in);
        } catch (JsonApiClient.Failure f) {
            PrintWriter err = connection.mixee.commandLine().getErr();
            err.println("ballast pins: " + f.type() + ": " + f.getMessage());
            err.flush();
            return f.status() == 0 ? 2 : 1;
        } catch (IllegalArgumentException e) {
            PrintWriter err = connection.mixee.commandLine().getErr();
            err.println("ballast pins: " + e.getMessage());
            err.flush();
            return 2;
        }
        Output format = connection.json ? Output.json : output;
        switch (format) {
            case json -> out.println(answer.toPrettyString());
            case keep_list -> answer.path("keepList").forEach(r -> out.println(r.asText()));
            case table -> table(answer, out);
        }
        out.flush();
        if (format == Output.keep_list) {
            List<String> unknown = new ArrayList<>();
            answer.path("pins").forEach(p -> {
                if (!p.path("childrenKnown").asBoolean(true)) {
                    unknown.add(p.path("reference").asText());
                }
            });
            if (!unknown.isEmpty()) {
                PrintWriter err = connection.mixee.commandLine().getErr();
                err.println(
                        "ballast pins: the keep-list is incomplete (unsafe for a clean-up): the registry did not say"
                                + " which manifests these pinned digests contain: " + String.join(", ", unknown)
                                + "; try again when it answers.");
                err.flush();
                return 1;
            }
        }
        return 0;
    }

    private static void table(JsonNode answer, PrintWriter out) {
        out.printf(
                "%-80s %-8s %-16s %-20s %-12s %-16s %s%n",
                "PIN", "MISSING", "ROLE", "SERVICE", "CONTAINER", "TAG", "DEPLOYMENT");
        for (JsonNode pin : answer.path("pins")) {
            for (JsonNode by : pin.path("heldBy")) {
                out.printf(
                        "%-80s %-8s %-16s %-20s %-12s %-16s %s%n",
                        pin.path("reference").asText(),
                        pin.path("missing").asBoolean() ? "yes" : "no",
                        by.path("role").asText(),
                        by.path("serviceName").asText(),
                        by.path("containerName").asText(),
                        by.path("tag").asText("-"),
                        by.path("deploymentId").asText());
            }
            for (JsonNode child : pin.path("children")) {
                out.printf(
                        "  %-78s (child of the index above: %s)%n",
                        child.path("reference").asText(), child.path("platform").asText());
            }
        }
    }

    /** Reads {@code table}, {@code json} and {@code keep-list}. */
    static final class OutputConverter implements CommandLine.ITypeConverter<Output> {
        @Override
        public Output convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "table" -> Output.table;
                case "json" -> Output.json;
                case "keep-list", "keep_list", "keeplist" -> Output.keep_list;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "'" + value + "' is not an output format: use table, json or keep-list");
            };
        }
    }
}
