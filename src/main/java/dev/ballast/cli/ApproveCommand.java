package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.SigV4Signer;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "service name or ARN")
    String service;

    @Parameters(index = "1", paramLabel = "DIGEST", description = "the digest to approve, e.g. sha256:…")
    String digest;

    @Option(names = "--cluster", description = "Cluster name or ARN (default: default).")
    String cluster;

    @Option(
            names = "--endpoint",
            description = "Ballast API endpoint (default: $AWS_ENDPOINT_URL_ECS, $AWS_ENDPOINT_URL, "
                    + "the profile's endpoint_url, else http://127.0.0.1:8460).")
    URI endpoint;

    @Option(names = "--region", description = "Signing region (default: as for ballast policy).")
    String region;

    @Option(names = "--access-key", description = "Access key id (default: as for ballast policy).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret access key (default: as for ballast policy).")
    String secretKey;

    @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
    boolean json;

    private final AwsEnvironment environment = AwsEnvironment.system();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode in = Json.object().put("service", service).put("digest", digest);
        if (cluster != null) {
            in.put("cluster", cluster);
        }
        try {
            AwsEnvironment.Credentials c = environment.credentials(accessKey, secretKey);
            JsonApiClient client = new JsonApiClient(
                    environment.endpoint(endpoint),
                    new SigV4Signer(
                                    c.accessKeyId(),
                                    c.secretAccessKey(),
                                    environment.region(region),
                                    "ecs",
                                    Clock.systemUTC())::sign,
                    c.sessionToken());
            JsonNode answer = client.call(LifecycleApi.TARGET_PREFIX, "ApproveDigest", in);
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
            out.flush();
            return 0;
        } catch (JsonApiClient.Failure f) {
            err.println("ballast approve: " + f.type() + ": " + f.getMessage());
            err.flush();
            return f.status() == 0 ? 2 : 1;
        } catch (IllegalArgumentException e) {
            err.println("ballast approve: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
