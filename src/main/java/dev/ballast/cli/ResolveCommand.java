package dev.ballast.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.image.ImageReference;
import dev.ballast.registry.Credential;
import dev.ballast.registry.CredentialSource;
import dev.ballast.registry.DockerConfigCredentials;
import dev.ballast.registry.Platform;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.registry.Resolution;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ballast resolve REF…}: prints each reference with the digest the registry serves for it. */
@Command(
        name = "resolve",
        mixinStandardHelpOptions = true,
        description = {
            "Resolve image references to the digest of the manifest or index the registry serves.",
            "Prints 'REF DIGEST' per reference; exits 1 if any reference fails, with the registry's reason on stderr.",
            "Loopback registries (localhost, 127.0.0.0/8, ::1) are spoken to over plain HTTP, others over HTTPS."
        })
public final class ResolveCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "REF", description = "Image references, e.g. 127.0.0.1:5000/demo/app:v1")
    List<String> references = new ArrayList<>();

    @Option(names = "--json", description = "Print a JSON array: reference, canonical, digest, mediaType, platforms.")
    boolean json;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            description = "Use plain HTTP for this registry (repeatable).")
    List<String> insecureRegistries = new ArrayList<>();

    @Option(names = "--username", description = "User for the registries of the given references.")
    String username;

    @Option(names = "--password", description = "Password for --username (prefer --password-stdin).")
    String password;

    @Option(names = "--password-stdin", description = "Read the password for --username from standard input.")
    boolean passwordStdin;

    @Option(
            names = "--docker-config",
            paramLabel = "PATH",
            description =
                    "Docker config.json for credentials (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json).")
    Path dockerConfig;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Request timeout in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** One line of output: the resolution or the reason it failed. */
    private record Outcome(String input, Resolution resolution, String error) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CredentialSource credentials;
        try {
            credentials = credentials();
        } catch (IllegalArgumentException e) {
            err.println("ballast resolve: " + e.getMessage());
            err.flush();
            return 2;
        }
        RegistryConfig config = RegistryConfig.defaults()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(Math.max(1, timeoutSeconds)))
                .withInsecureRegistries(new LinkedHashSet<>(insecureRegistries))
                .withCredentials(credentials);
        RegistryClient client = new RegistryClient(config, new SimpleMeterRegistry());
        List<Future<Outcome>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String input : references) {
                futures.add(pool.submit(() -> resolve(client, input)));
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            try {
                outcomes.add(f.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("resolve failed unexpectedly", e.getCause());
            }
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        boolean failed = false;
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                failed = true;
                err.println("ballast resolve: " + o.error());
            } else if (json) {
                array.add(toJson(mapper, o));
            } else {
                out.println(o.input() + " " + o.resolution().digest());
            }
        }
        if (json) {
            out.println(mapper.writeValueAsString(array));
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }

    private static Outcome resolve(RegistryClient client, String input) {
        try {
            return new Outcome(input, client.resolve(ImageReference.parse(input)), null);
        } catch (RuntimeException e) {
            return new Outcome(input, null, e.getMessage());
        }
    }

    private static ObjectNode toJson(ObjectMapper mapper, Outcome o) {
        Resolution r = o.resolution();
        ObjectNode node = mapper.createObjectNode()
                .put("reference", o.input())
                .put("canonical", r.reference().toString())
                .put("digest", r.digest().toString())
                .put("mediaType", r.mediaType());
        if (r.isIndex()) {
            ArrayNode platforms = node.putArray("platforms");
            for (Platform p : r.platforms()) {
                ObjectNode pn = platforms.addObject().put("os", p.os()).put("architecture", p.architecture());
                if (!p.variant().isEmpty()) {
                    pn.put("variant", p.variant());
                }
                pn.put("digest", p.digest().toString()).put("mediaType", p.mediaType());
            }
        }
        return node;
    }

    private CredentialSource credentials() throws IOException {
        CredentialSource fromFile = DockerConfigCredentials.load(
                dockerConfig != null ? dockerConfig : DockerConfigCredentials.defaultPath(), null);
        if (username == null) {
            if (password != null || passwordStdin) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--password needs --username");
            }
            return fromFile;
        }
        if (password != null && passwordStdin) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "use either --password or --password-stdin, not both");
        }
        String secret = password;
        if (passwordStdin) {
            secret = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (secret == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--username needs --password or --password-stdin");
        }
        Credential credential = new Credential(username, secret);
        Map<String, Credential> byRegistry = new HashMap<>();
        for (String input : references) {
            try {
                byRegistry.put(ImageReference.parse(input).registry(), credential);
            } catch (IllegalArgumentException e) {
                // reported when that reference is resolved
            }
        }
        return CredentialSource.of(byRegistry).orElse(fromFile);
    }
}
