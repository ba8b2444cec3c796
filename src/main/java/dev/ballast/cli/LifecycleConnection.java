package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.SigV4Signer;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.util.function.BiConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where and as whom the image-lifecycle commands ({@code ballast service-policy}, {@code ballast drift}, {@code ballast approve}) call the
 * server's lifecycle extension operations ({@link LifecycleApi#TARGET_PREFIX}), SigV4-signed like the AWS CLI: the
 * options, else the AWS CLI's environment variables and profile files ({@link AwsEnvironment}) — as {@code
 * ballast policy} does. {@link PolicyCommand.Connection} adds the policy commands' {@code --cluster} and {@code --json}.
 */
class LifecycleConnection {
    @Option(
            names = "--endpoint",
            description = "Ballast API endpoint (default: $AWS_ENDPOINT_URL_ECS, $AWS_ENDPOINT_URL, "
                    + "the profile's endpoint_url, else http://127.0.0.1:8460).")
    URI endpoint;

    @Option(
            names = "--region",
            description = "Signing region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's "
                    + "region, else us-east-1).")
    String region;

    @Option(
            names = "--access-key",
            description = "Access key id (default: $AWS_ACCESS_KEY_ID, the profile "
                    + "($AWS_PROFILE, else default) in ~/.aws/credentials or ~/.aws/config, else test).")
    String accessKey;

    @Option(names = "--secret-key", description = "Secret access key (default: as for --access-key).")
    String secretKey;

    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    private final AwsEnvironment environment;

    /** Reads defaults from the process environment. */
    LifecycleConnection() {
        this(AwsEnvironment.system());
    }

    LifecycleConnection(AwsEnvironment environment) {
        this.environment = environment;
    }

    /**
     * A SigV4-signed client of the server for the given options, each defaulting from {@code environment} (the AWS
     * CLI's variables and profile files); an {@link IllegalArgumentException} names an unusable setting.
     */
    static JsonApiClient client(
            AwsEnvironment environment, URI endpoint, String region, String accessKey, String secretKey) {
        AwsEnvironment.Credentials c = environment.credentials(accessKey, secretKey);
        return new JsonApiClient(
                environment.endpoint(endpoint),
                new SigV4Signer(
                                c.accessKeyId(),
                                c.secretAccessKey(),
                                environment.region(region),
                                "ecs",
                                Clock.systemUTC())::sign,
                c.sessionToken());
    }

    /**
     * Calls {@code operation} and hands its answer to {@code print}; returns the exit code: 0, 1 for an API error,
     * 2 when the server could not be reached or the settings are unusable (the message goes to stderr).
     */
    int call(String command, String operation, ObjectNode input, BiConsumer<JsonNode, PrintWriter> print) {
        PrintWriter out = mixee.commandLine().getOut();
        PrintWriter err = mixee.commandLine().getErr();
        try {
            JsonApiClient client = client(environment, endpoint, region, accessKey, secretKey);
            print.accept(client.call(LifecycleApi.TARGET_PREFIX, operation, input), out);
            out.flush();
            return 0;
        } catch (JsonApiClient.Failure f) {
            err.println("ballast " + command + ": " + f.type() + ": " + f.getMessage());
            err.flush();
            return f.status() == 0 ? 2 : 1;
        } catch (IllegalArgumentException e) {
            err.println("ballast " + command + ": " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
