package dev.ballast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A console user over {@link HttpClient}: signs in with an access key pair ({@code POST /console/login}), keeps the
 * session cookie and reads pages (redirects are not followed, so a test sees each answer as sent).
 */
public final class ConsoleHttp implements AutoCloseable {
    private final URI endpoint;
    private final HttpClient http;
    private String cookie;

    private ConsoleHttp(URI endpoint) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Signs in at the server at {@code endpoint}; fails when the sign-in is refused. */
    public static ConsoleHttp login(URI endpoint, String accessKeyId, String secret) {
        ConsoleHttp c = new ConsoleHttp(endpoint);
        HttpResponse<String> res = c.send(HttpRequest.newBuilder(endpoint.resolve("/console/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("accessKeyId=" + encode(accessKeyId) + "&secretAccessKey="
                        + encode(secret) + "&next=" + encode("/console/")))
                .build());
        Optional<String> set = res.headers().allValues("Set-Cookie").stream()
                .filter(v -> v.startsWith("ballast_console="))
                .findFirst();
        if (res.statusCode() != 303 || set.isEmpty()) {
            c.close();
            throw new AssertionError("sign-in as " + accessKeyId + " refused: " + res.statusCode() + " " + res.body());
        }
        c.cookie = set.get().substring(0, set.get().indexOf(';'));
        return c;
    }

    /** GET a console path (with its query), as the signed-in user. */
    public HttpResponse<String> get(String pathAndQuery, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint.resolve(pathAndQuery))
                .header("Cookie", cookie)
                .GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** GET a page that must answer 200; its body. */
    public String page(String pathAndQuery) {
        HttpResponse<String> res = get(pathAndQuery);
        if (res.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    private HttpResponse<String> send(HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
