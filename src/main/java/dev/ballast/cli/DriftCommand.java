package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ballast drift}: per service and container, the tag as written, the digest the deployment pinned, the digest
 * the registry serves now, since when they differ, how many running tasks run what they should, and the status —
 * the lifecycle extension's {@code DescribeDrift}, as a table or JSON.
 */
@Command(
        name = "drift",
        mixinStandardHelpOptions = true,
        description = "Show which services run a digest their tag no longer points to, since when, and which tasks"
                + " have not converged.")
final class DriftCommand implements Callable<Integer> {
    /** Output forms. */
    enum Output {
        table,
        json
    }

    @Mixin
    LifecycleConnection connection;

    @Option(names = "--cluster", description = "Cluster name or ARN (default: default).")
    String cluster;

    @Option(
            names = "--service",
            paramLabel = "SERVICE",
            description = "Only this service (name or ARN); repeat for several (default: every service).")
    List<String> services = new ArrayList<>();

    @Option(
            names = "--output",
            paramLabel = "table|json",
            description = "table (default) or json (DescribeDrift's answer).")
    Output output = Output.table;

    @Override
    public Integer call() {
        ObjectNode in = Json.object();
        if (cluster != null) {
            in.put("cluster", cluster);
        }
        if (!services.isEmpty()) {
            ArrayNode names = in.putArray("services");
            services.forEach(names::add);
        }
        return connection.call("drift", "DescribeDrift", in, (answer, out) -> {
            if (output == Output.json) {
                out.println(answer.toPrettyString());
            } else {
                table(answer, out);
            }
        });
    }

    static void table(JsonNode answer, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {
            "SERVICE", "CONTAINER", "TAG", "PINNED", "REGISTRY NOW", "SINCE", "TASKS CONVERGED", "STATUS"
        });
        for (JsonNode s : answer.path("services")) {
            for (JsonNode c : s.path("containers")) {
                rows.add(new String[] {
                    s.path("serviceName").asText(),
                    c.path("containerName").asText(),
                    text(c.path("tag")),
                    shortDigest(c.path("pinnedDigest")),
                    shortDigest(c.path("registryDigest")),
                    c.hasNonNull("since") ? since(c.path("since")) : "-",
                    (c.hasNonNull("convergedTasks") ? c.path("convergedTasks").asText() : "?") + "/"
                            + c.path("runningTasks").asInt(),
                    c.path("status").asText()
                });
            }
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s  ", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }

    /** {@code sha256:} and the first 12 hex digits (as {@code docker images} shows ids); {@code -} when none. */
    static String shortDigest(JsonNode n) {
        if (n.isNull() || n.isMissingNode()) {
            return "-";
        }
        String d = n.asText();
        int colon = d.indexOf(':');
        return colon > 0 && d.length() > colon + 13 ? d.substring(0, colon + 13) : d;
    }

    private static String since(JsonNode seconds) {
        BigDecimal s = seconds.decimalValue();
        return Instant.ofEpochSecond(s.longValue()).toString();
    }
}
