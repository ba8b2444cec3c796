package dev.ballast.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ballast rollback [--cluster C] SERVICE DEPLOYMENT}: rolls a service back to one of its earlier deployments
 * (its id {@code ecs-svc/…} or its ARN) through the lifecycle extension operation {@code RollbackService} — a new
 * deployment of that deployment's task definition and recorded image digests, no registry request. SigV4-signed with
 * the same endpoint and credential defaults as {@code ballast approve}. Exit 0 when rolled back (or already there), 1
 * on an API error, 2 when the server cannot be reached or the settings are wrong.
 */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = "Roll SERVICE back to DEPLOYMENT (ecs-svc/… or its ARN): a new deployment of its task definition"
                + " and the image digests it recorded, without looking tags up again.")
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "service name or ARN")
    String service;

    @Parameters(
            index = "1",
            paramLabel = "DEPLOYMENT",
            description = "the deployment to go back to: ecs-svc/… or its ARN")
    String deployment;

    @Option(names = "--cluster", description = "Cluster name or ARN (default: default).")
    String cluster;

    @Mixin
    LifecycleConnection connection;

    @Option(names = "--json", description = "Print the API's JSON answer instead of text.")
    boolean json;

    @Override
    public Integer call() {
        ObjectNode in = Json.object().put("service", service);
        in.put(deployment.startsWith("arn:") ? "serviceDeploymentArn" : "deploymentId", deployment);
        if (cluster != null) {
            in.put("cluster", cluster);
        }
        return connection.call("rollback", "RollbackService", in, (answer, out) -> {
            if (json) {
                out.println(answer.toPrettyString());
            } else {
                String created = answer.path("deployment").path("id").asText();
                out.println(
                        answer.path("created").asBoolean(false)
                                ? "deployment " + created + " rolls "
                                        + answer.path("serviceArn").asText()
                                        + " back to deployment "
                                        + answer.path("target").path("id").asText()
                                        + " (task definition "
                                        + answer.path("target")
                                                .path("taskDefinition")
                                                .asText()
                                        + ", recorded image digests reused)"
                                : "already rolled back: deployment " + created + " runs deployment "
                                        + answer.path("target").path("id").asText() + "'s revision");
            }
        });
    }
}
