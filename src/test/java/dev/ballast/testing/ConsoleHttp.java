package dev.ballast.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.console.Exchange;
import dev.ballast.console.Sessions;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser's view of the console over {@link HttpClient}: a cookie jar (the session and notice cookies), no redirects
 * followed (a test sees each 303), forms posted URL-encoded, the CSRF token read from a page's form.
 */
public final class ConsoleHttp implements AutoCloseable {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final URI endpoint;

    private ConsoleHttp(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** A browser that has not signed in. */
    public static ConsoleHttp anonymous(URI endpoint) {
        return new ConsoleHttp(endpoint);
    }

    /** {@link #signedIn}. */
    public static ConsoleHttp login(URI endpoint, String key, String secret) {
        return signedIn(endpoint, key, secret);
    }

    /** A browser signed in with the key pair (the login's 303 and its session cookie checked). */
    public static ConsoleHttp signedIn(URI endpoint, String key, String secret) {
        ConsoleHttp b = new ConsoleHttp(endpoint);
        HttpResponse<String> res =
                b.post("/console/login", Map.of("accessKeyId", key, "secretAccessKey", secret, "next", "/console/"));
        assertThat(res.statusCode()).as("sign-in of %s", key).isEqualTo(303);
        assertThat(b.cookies).containsKey(Sessions.COOKIE);
        return b;
    }

    /** GET a console path (with its query), with extra headers as name/value pairs. */
    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder r = request(path).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return send(r.build());
    }

    /** GET a page that must answer 200; its body. */
    public String page(String path) {
        HttpResponse<String> res = get(path);
        if (res.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    /** Posts a URL-encoded form, with extra headers as name/value pairs. */
    public HttpResponse<String> post(String path, Map<String, String> form, String... headers) {
        String body = form.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder r = request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return send(r.build());
    }

    /** The CSRF token of a page's form. */
    public String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a CSRF field on the page").isTrue();
        return m.group(1);
    }

    /** The one-time notice the last redirect set (the flash cookie). */
    public String notice() {
        String v = cookies.get(Exchange.FLASH_COOKIE);
        assertThat(v).as("a notice was set").isNotNull();
        return new String(Base64.getUrlDecoder().decode(v), StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(endpoint.resolve(path));
        if (!cookies.isEmpty()) {
            r.header(
                    "Cookie",
                    cookies.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining("; ")));
        }
        return r;
    }

    private HttpResponse<String> send(HttpRequest req) {
        try {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            for (String c : res.headers().allValues("Set-Cookie")) {
                String pair = c.split(";", 2)[0];
                int eq = pair.indexOf('=');
                String name = pair.substring(0, eq);
                String value = pair.substring(eq + 1);
                if (value.isEmpty() || c.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return res;
        } catch (IOException e) {
            throw new AssertionError(req.method() + " " + req.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }
}
