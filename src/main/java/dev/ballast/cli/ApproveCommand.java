package dev.ballast.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast approve SERVICE DIGEST [--cluster]}: approves the digest a moved tag would roll an approval-gated
 * service to, through the lifecycle extension operation {@code ApproveDigest}, SigV4-signed like the AWS CLI (the
 * same endpoint and credential defaults as {@code ballast policy}). Exit 0 when approved (a note says when the digest
 * is not the pending one), 1 on an API error, 2 when the server cannot be reached or the settings are wrong.
 */
@Command(
        name = "approve",
        mixinStandardHelpOptions = true,
        description = "Approve DIGEST for SERVICE: a moved tag rolls an approval-gated service only to an approved "
                + "digest; a tag that moves again needs a new approval.")
final class ApproveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "service name or ARN")
    String service;

    @Parameters(index = "1", paramLabel = "DIGEST", description = "the digest to approve, e.g. sha256:…")
    String digest;

    @Option(names = "--cluster", description = "Cluster name or ARN (default: default).")
    String cluster;

    @Mixin
    LifecycleConnection connection;

    @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
    boolean json;

    @Override
    public Integer call() {
        ObjectNode in = Json.object().put("service", service).put("digest", digest);
        if (cluster != null) {
            in.put("cluster", cluster);
        }
        return connection.call("approve", "ApproveDigest", in, (answer, out) -> {
            if (json) {
                out.println(answer.toPrettyString());
            } else {
                out.println("approved " + answer.path("digest").asText() + " for "
                        + answer.path("serviceArn").asText()
                        + (answer.path("isPendingDigest").asBoolean(false)
                                ? " (the pending digest: the rollout may start)"
                                : answer.has("pendingDigest")
                                        ? " (not the pending digest: the service waits for "
                                                + answer.path("pendingDigest").asText() + ")"
                                        : " (no moved tag is pending for this service)"));
            }
        });
    }
}
