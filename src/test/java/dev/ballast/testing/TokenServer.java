package dev.ballast.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server for a registry in token-auth mode (distribution token spec): answers
 * {@code GET /token?service=…&scope=repository:<name>:<actions>} with an RS256 JWT whose header {@code kid}
 * is the libtrust key id of a self-signed certificate made with openssl, and whose {@code access} claim
 * grants what the policy allows. Users: {@link #pushUser()} may do anything; anonymous callers may pull
 * anything unless {@link #allow} says otherwise.
 */
public final class TokenServer implements AutoCloseable {

    private static final String SERVICE = "test-registry";
    private static final String ISSUER = "test-issuer";

    private final HttpServer server;
    private final Path dir;
    private final PrivateKey key;
    private final PrivateKey wrongKey;
    private final String kid;
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Set<String>>> grants = new ConcurrentHashMap<>();
    private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
    private final AtomicInteger badTokensLeft = new AtomicInteger();
    private volatile Duration lifetime = Duration.ofMinutes(5);
    private final ObjectMapper json = new ObjectMapper();

    private TokenServer(Path dir) throws Exception {
        this.dir = dir;
        Processes.run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString(),
                "-days",
                "2",
                "-subj",
                "/CN=ballast-test-token-issuer");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(dir.resolve("key.pem"))));
        PublicKey pub;
        try (var in = Files.newInputStream(dir.resolve("cert.pem"))) {
            pub = CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)
                    .getPublicKey();
        }
        this.kid = libtrustKeyId(pub);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        this.wrongKey = gen.generateKeyPair().getPrivate();
        users.put(pushUser(), pushPassword());
        allow(pushUser(), "*", "pull", "push", "delete", "*");
        allow("", "*", "pull");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.start();
    }

    public static TokenServer start() {
        try {
            return new TokenServer(RegistryFixture.tempDir());
        } catch (Exception e) {
            throw new AssertionError("cannot start the token server: " + e, e);
        }
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public String service() {
        return SERVICE;
    }

    public String issuer() {
        return ISSUER;
    }

    /** The certificate the registry trusts ({@code rootcertbundle}). */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public String pushUser() {
        return "pusher";
    }

    public String pushPassword() {
        return "push-secret";
    }

    public void addUser(String user, String password) {
        users.put(user, password);
    }

    /** Grants {@code user} ({@code ""} for anonymous) these actions on {@code repository} ({@code *} for any). */
    public void allow(String user, String repository, String... actions) {
        grants.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(repository, Set.of(actions));
    }

    /** Tokens live this long ({@code expires_in}). */
    public void lifetime(Duration d) {
        lifetime = d;
    }

    /** The next {@code n} tokens are signed with a key the registry does not trust. */
    public void signNextWithWrongKey(int n) {
        badTokensLeft.set(n);
    }

    /** Scopes asked for, one entry per token request. */
    public List<String> requestedScopes() {
        return List.copyOf(requestedScopes);
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            String user = "";
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.startsWith("Basic ")) {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                user = pair.substring(0, colon);
                if (!pair.substring(colon + 1).equals(users.get(user))) {
                    byte[] body = "{\"details\":\"invalid credentials\"}".getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(401, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
            }
            List<String> scopes = new ArrayList<>();
            String query = ex.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("scope=")) {
                    scopes.add(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
                }
            }
            requestedScopes.add(String.join(" ", scopes));
            ArrayNode access = json.createArrayNode();
            for (String scope : scopes) {
                String[] parts = scope.split(":");
                if (parts.length != 3) {
                    continue;
                }
                Map<String, Set<String>> mine = grants.getOrDefault(user, Map.of());
                Set<String> allowed = mine.getOrDefault(parts[1], mine.getOrDefault("*", Set.of()));
                ArrayNode actions = json.createArrayNode();
                for (String a : parts[2].split(",")) {
                    if (allowed.contains(a) || allowed.contains("*")) {
                        actions.add(a);
                    }
                }
                access.addObject().put("type", parts[0]).put("name", parts[1]).set("actions", actions);
            }
            byte[] body = json.writeValueAsBytes(Map.of(
                    "token",
                    jwt(user, access),
                    "expires_in",
                    lifetime.toSeconds(),
                    "issued_at",
                    Instant.now().toString()));
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        } catch (Exception e) {
            ex.sendResponseHeaders(500, -1);
        }
    }

    private String jwt(String user, ArrayNode access) throws Exception {
        long now = Instant.now().getEpochSecond();
        ObjectNode header =
                json.createObjectNode().put("typ", "JWT").put("alg", "RS256").put("kid", kid);
        ObjectNode claims = json.createObjectNode()
                .put("iss", ISSUER)
                .put("sub", user)
                .put("aud", SERVICE)
                .put("exp", now + Math.max(lifetime.toSeconds(), 1))
                .put("nbf", now - 10)
                .put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        claims.set("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(json.writeValueAsBytes(header)) + "."
                + b64.encodeToString(json.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(badTokensLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? wrongKey : key);
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rs256.sign());
    }

    /** libtrust key id: base32 of the first 240 bits of sha256(DER public key), in groups of 4 joined by ':'. */
    static String libtrustKeyId(PublicKey key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b32 = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 30; i++) {
            buffer = (buffer << 8) | (hash[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                b32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) {
                out.append(':');
            }
            out.append(b32, i, i + 4);
        }
        return out.toString();
    }

    private static byte[] pem(Path file) throws IOException {
        String text = Files.readString(file);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            throw new IOException(file + " is not a PKCS#8 private key");
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(base64);
    }

    @Override
    public void close() {
        server.stop(0);
        Processes.deleteTree(dir);
    }
}
