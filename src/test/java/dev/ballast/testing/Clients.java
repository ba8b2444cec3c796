package dev.ballast.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/** AWS SDK clients for a Ballast endpoint. */
public final class Clients {
    private Clients() {}

    /** An ECS client with the given keys and no retries, so every error surfaces. */
    public static EcsClient ecs(URI endpoint, String accessKey, String secret) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /**
     * As {@link #ecs}, but with the SDK's standard retries (up to 3 attempts with back-off on throttling and server
     * errors), as real callers have: for tests whose point is that every call is eventually answered.
     */
    public static EcsClient ecsWithRetries(URI endpoint, String accessKey, String secret) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
