package dev.ballast.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs ECS (AWS JSON 1.1) requests with the AWS SDK's SigV4 signer and writes the headers a load generator
 * must replay, one {@code Name: value} per line ({@code Host} and {@code Content-Length} are left out: the
 * load generator derives both from the URL and the body). Used by {@code bench/api}.
 *
 * <p>Usage: {@code SignedHeaders URL TARGET BODY_FILE OUT_FILE [URL TARGET BODY_FILE OUT_FILE]...}, where
 * TARGET is the full {@code X-Amz-Target} value. Credentials and region come from the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_REGION}; default test/test, us-east-1).
 */
public final class SignedHeaders {
    private SignedHeaders() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args.length % 4 != 0) {
            System.err.println("usage: SignedHeaders URL TARGET BODY_FILE OUT_FILE [URL TARGET BODY_FILE OUT_FILE]...");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        AwsCredentialsIdentity identity = AwsCredentialsIdentity.create(
                env.getOrDefault("AWS_ACCESS_KEY_ID", "test"), env.getOrDefault("AWS_SECRET_ACCESS_KEY", "test"));
        String region = env.getOrDefault("AWS_REGION", "us-east-1");
        AwsV4HttpSigner signer = AwsV4HttpSigner.create();
        for (int i = 0; i < args.length; i += 4) {
            URI url = URI.create(args[i]);
            String target = args[i + 1];
            byte[] body = Files.readAllBytes(Path.of(args[i + 2]));
            SdkHttpRequest request = SdkHttpRequest.builder()
                    .method(SdkHttpMethod.POST)
                    .uri(url)
                    .putHeader("Content-Type", "application/x-amz-json-1.1")
                    .putHeader("X-Amz-Target", target)
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .build();
            SignedRequest signed = signer.sign(r -> r.identity(identity)
                    .request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecs")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            StringBuilder out = new StringBuilder();
            for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
                String name = h.getKey();
                if (name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Length")) {
                    continue;
                }
                for (String value : h.getValue()) {
                    out.append(name).append(": ").append(value).append('\n');
                }
            }
            Files.writeString(Path.of(args[i + 3]), out, StandardCharsets.UTF_8);
        }
    }
}
