package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.SingleFlight;
import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The authentication layer: learns each registry's challenge from {@code GET /v2/} (OCI distribution
 * spec, "Determining support"), answers it with Basic credentials or a bearer token from the realm
 * (distribution token spec, "Requesting a Token"), caches tokens per (registry, scope) and, on a 401,
 * takes the new challenge and tries exactly once more. A realm is checked before anything is sent to it
 * ({@link #checkedRealm}), and its answer is only ever sent to the registry it was fetched for.
 */
final class Authenticator {

    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
    /** A token is reused at most this long, whatever {@code expires_in} says (the cache stays bounded in time). */
    static final Duration MAX_TOKEN_LIFETIME = Duration.ofHours(1);
    /** Largest token-server answer read; tokens are a few kilobytes. */
    static final long MAX_TOKEN_BODY = 1024 * 1024;

    private static final int MAX_CHALLENGES = 4096;

    private final Transport transport;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final TokenCache tokens;
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
    private final SingleFlight<String, Challenge> pings = SingleFlight.inFlightOnly();
    private final SingleFlight<String, String> tokenFetches = SingleFlight.inFlightOnly();
    private final Predicate<String> realmHostAllowed;

    /**
     * @param realmHostAllowed whether a token realm's {@code host[:port]} may be contacted at all (the
     *     registry access check); realms also must be https, or http on a loopback or insecure-marked host
     */
    Authenticator(Transport transport, RegistryConfig config, ObjectMapper json, Predicate<String> realmHostAllowed) {
        this.transport = transport;
        this.config = config;
        this.json = json;
        this.tokens = new TokenCache(config.clock());
        this.realmHostAllowed = realmHostAllowed;
    }

    /**
     * Sends {@code request} authorised for {@code scope} ({@code repository:<name>:<actions>}); a 401 is
     * answered once with fresh authorisation. Returns any other response for the caller to judge.
     */
    HttpResponse<byte[]> send(String action, String registry, String scope, Request request) {
        Challenge challenge = challenge(action, registry);
        Optional<String> auth = authorization(action, registry, scope, challenge);
        HttpResponse<byte[]> response = transport.send(action, registry, request, auth);
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<Challenge> fresh = Challenge.parse(response.headers().allValues("WWW-Authenticate"));
        Optional<Credential> credential = config.credentials().lookup(registry);
        if (fresh.isEmpty()) {
            throw RegistryErrors.failure(Kind.UNAUTHORIZED, action, response, json, " without a challenge");
        }
        if (fresh.get() instanceof Challenge.Bearer b && b.insufficientScope()) {
            throw RegistryErrors.failure(
                    Kind.DENIED,
                    action,
                    response,
                    json,
                    "; insufficient scope for " + scope
                            + credential
                                    .map(c -> " as \"" + c.username() + "\"")
                                    .orElse(" anonymously"));
        }
        if (fresh.get() instanceof Challenge.Basic) {
            challenges.put(registry, fresh.get());
            if (auth.isPresent() || credential.isEmpty()) {
                throw RegistryErrors.failure(
                        Kind.UNAUTHORIZED,
                        action,
                        response,
                        json,
                        credential
                                .map(c -> "; credentials for \"" + c.username() + "\" were rejected")
                                .orElse("; no credentials configured for " + registry));
            }
        }
        challenges.put(registry, fresh.get());
        auth.filter(a -> a.startsWith("Bearer ")).ifPresent(a -> tokens.invalidate(registry, scope, a.substring(7)));
        Optional<String> again = authorization(action, registry, scope, fresh.get());
        HttpResponse<byte[]> second = transport.send(action, registry, request, again);
        if (second.statusCode() == 401) {
            boolean denied = Challenge.parse(second.headers().allValues("WWW-Authenticate"))
                    .filter(c -> c instanceof Challenge.Bearer b && b.insufficientScope())
                    .isPresent();
            throw RegistryErrors.failure(
                    denied ? Kind.DENIED : Kind.UNAUTHORIZED,
                    action,
                    second,
                    json,
                    denied ? "; insufficient scope for " + scope : " after token refresh");
        }
        return second;
    }

    private Challenge challenge(String action, String registry) {
        Challenge known = challenges.get(registry);
        if (known != null) {
            return known;
        }
        if (challenges.size() > MAX_CHALLENGES) {
            challenges.clear(); // callers name registries: re-learning a challenge costs one GET /v2/
        }
        return pings.run(registry, () -> {
            Challenge pinged = ping(action, registry);
            Challenge raced = challenges.putIfAbsent(registry, pinged);
            return raced != null ? raced : pinged;
        });
    }

    private Challenge ping(String action, String registry) {
        HttpResponse<byte[]> response =
                transport.send(action, registry, Request.of("GET", "/v2/", Map.of()), Optional.empty());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Challenge.None();
        }
        if (status == 401) {
            return Challenge.parse(response.headers().allValues("WWW-Authenticate"))
                    .orElseThrow(() -> RegistryErrors.failure(
                            Kind.INVALID,
                            action,
                            response,
                            json,
                            " to GET /v2/ without a usable WWW-Authenticate challenge"));
        }
        throw RegistryErrors.failure(action, response, json);
    }

    private Optional<String> authorization(String action, String registry, String scope, Challenge challenge) {
        return switch (challenge) {
            case Challenge.None n -> Optional.empty();
            case Challenge.Basic b -> config.credentials().lookup(registry).map(Credential::basicHeader);
            case Challenge.Bearer b ->
                Optional.of("Bearer "
                        + tokens.get(registry, scope)
                                .orElseGet(() -> tokenFetches.run(
                                        registry + " " + scope, () -> fetchToken(action, registry, scope, b))));
        };
    }

    /**
     * The realm as a URL we may send credentials to: absolute, https (http only on a loopback host, a host
     * marked insecure, or the insecure registry's own host) and on a host the access check allows.
     */
    URI checkedRealm(String action, String registry, String realm) {
        URI uri;
        try {
            uri = new URI(realm.trim());
        } catch (URISyntaxException e) {
            throw RegistryException.of(
                    Kind.INVALID,
                    action + ": registry " + registry + " named a malformed token realm " + RegistryUrls.quote(realm));
        }
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || !(scheme.equals("https") || scheme.equals("http"))
                || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw RegistryException.of(
                    Kind.INVALID,
                    action + ": registry " + registry + " named token realm " + RegistryUrls.quote(realm)
                            + ", which is not an absolute http(s) URL");
        }
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        if (scheme.equals("http") && !plainHttpAllowed(registry, host)) {
            throw RegistryException.of(
                    Kind.INVALID,
                    action + ": registry " + registry + " named plain-HTTP token realm " + RegistryUrls.quote(realm)
                            + " on " + host + ", which is neither loopback nor marked insecure");
        }
        if (!realmHostAllowed.test(host)) {
            throw RegistryException.of(
                    Kind.INVALID,
                    action + ": registry " + registry + " named token realm host " + host
                            + ", which is not an allowed registry");
        }
        return uri;
    }

    private boolean plainHttpAllowed(String registry, String realmHost) {
        if (config.schemeFor(realmHost).equals("http")) {
            return true; // loopback or marked insecure itself
        }
        return config.schemeFor(registry).equals("http")
                && ImageReference.hostOnly(registry).equalsIgnoreCase(ImageReference.hostOnly(realmHost));
    }

    private String fetchToken(String action, String registry, String scope, Challenge.Bearer challenge) {
        checkedRealm(action, registry, challenge.realm());
        StringBuilder url = new StringBuilder(challenge.realm().trim())
                .append(challenge.realm().contains("?") ? '&' : '?');
        if (!challenge.service().isEmpty()) {
            url.append("service=")
                    .append(URLEncoder.encode(challenge.service(), StandardCharsets.UTF_8))
                    .append('&');
        }
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        Optional<Credential> credential = config.credentials().lookup(registry);
        HttpResponse<byte[]> response = transport.send(
                action,
                registry,
                Request.of("GET", url.toString(), Map.of("Accept", "application/json"))
                        .limitedTo(MAX_TOKEN_BODY),
                credential.map(Credential::basicHeader));
        String who = credential.map(c -> " for \"" + c.username() + "\"").orElse(" anonymously");
        if (response.statusCode() != 200) {
            Kind kind = switch (response.statusCode()) {
                case 401 -> Kind.UNAUTHORIZED;
                case 403 -> Kind.DENIED;
                default -> null;
            };
            throw RegistryErrors.failure(
                    kind,
                    action + ": token for " + scope + who + " from "
                            + challenge.realm().trim(),
                    response,
                    json,
                    "");
        }
        try {
            JsonNode body = json.readTree(response.body());
            String token = body.path("token").asText(body.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw RegistryException.of(
                        Kind.INVALID,
                        action + ": token server " + RegistryUrls.quote(challenge.realm())
                                + " answered without token or access_token");
            }
            if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw RegistryException.of(
                        Kind.INVALID,
                        action + ": token server " + RegistryUrls.quote(challenge.realm())
                                + " answered a token with characters a bearer token cannot hold");
            }
            Duration lifetime = body.path("expires_in").canConvertToLong()
                            && body.path("expires_in").asLong() > 0
                    ? Duration.ofSeconds(Math.min(body.path("expires_in").asLong(), MAX_TOKEN_LIFETIME.toSeconds()))
                    : DEFAULT_TOKEN_LIFETIME;
            // expiry by the local clock: issued_at comes from another machine's clock
            Instant issued = config.clock().instant();
            Duration margin = lifetime.compareTo(Duration.ofSeconds(20)) > 0 ? Duration.ofSeconds(10) : Duration.ZERO;
            tokens.put(registry, scope, token, issued.plus(lifetime).minus(margin));
            return token;
        } catch (IOException e) {
            throw new RegistryException(
                    Kind.INVALID,
                    action + ": token server " + RegistryUrls.quote(challenge.realm())
                            + " answered with unreadable JSON",
                    200,
                    null,
                    null,
                    e);
        }
    }
}
