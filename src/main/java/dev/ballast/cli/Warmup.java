package dev.ballast.cli;

import dev.ballast.api.auth.SigV4Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Sends a few signed requests to a just-started server so that a training run (the launcher's JDK AOT
 * cache recording) loads the classes of the request path too, not only those of start-up.
 */
final class Warmup {
    private Warmup() {}

    static void touch(int port) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/");
        SigV4Signer signer = new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC());
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String[][] calls = {
            {"ListClusters", "{}"},
            {
                "RegisterTaskDefinition",
                "{\"family\":\"warmup\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"busybox\",\"memory\":8}]}"
            },
            {"DescribeTaskDefinition", "{\"taskDefinition\":\"warmup\"}"},
            {"ListTaskDefinitions", "{\"familyPrefix\":\"warmup\"}"},
        };
        for (String[] call : calls) {
            byte[] body = call[1].getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new HashMap<>();
            headers.put("content-type", "application/x-amz-json-1.1");
            headers.put("x-amz-target", "AmazonEC2ContainerServiceV20141113." + call[0]);
            HttpRequest.Builder req = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            signer.sign("POST", uri, headers, body).forEach((k, v) -> {
                if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                    req.header(k, v);
                }
            });
            try {
                http.send(req.build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
