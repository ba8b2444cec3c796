package dev.ballast.agent.docker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds a container engine speaking the Docker Engine API on this host: {@code DOCKER_HOST}, then the Docker
 * socket {@code /var/run/docker.sock}, then Podman's ({@code $XDG_RUNTIME_DIR/podman/podman.sock},
 * {@code /run/podman/podman.sock}). A candidate counts only when it answers {@code GET /_ping} with 200
 * (Docker Engine API, "Ping"). Only {@code unix://} and {@code tcp://} hosts are tried.
 */
public final class EngineDetection {

    /**
     * An engine that answered.
     *
     * @param dockerHost {@code unix:///path} or {@code tcp://host:port}, as {@link DockerRuntime#connect} takes it
     * @param source where it came from: {@code DOCKER_HOST}, {@code docker socket} or {@code podman socket}
     */
    public record Engine(String dockerHost, String source) {}

    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private EngineDetection() {}

    /** The first candidate that answers {@code /_ping}, looking at this process's environment; empty when none does. */
    public static Optional<Engine> find() {
        return find(System.getenv());
    }

    /** As {@link #find()}, with the environment given (for tests). */
    public static Optional<Engine> find(Map<String, String> env) {
        for (Engine candidate : candidates(env)) {
            if (answersPing(candidate.dockerHost(), PING_TIMEOUT)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The candidates in the order tried. */
    static List<Engine> candidates(Map<String, String> env) {
        List<Engine> out = new ArrayList<>();
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            out.add(new Engine(dockerHost.trim(), "DOCKER_HOST"));
        }
        out.add(new Engine("unix:///var/run/docker.sock", "docker socket"));
        String xdg = env.get("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank()) {
            out.add(new Engine("unix://" + Path.of(xdg, "podman", "podman.sock"), "podman socket"));
        }
        out.add(new Engine("unix:///run/podman/podman.sock", "podman socket"));
        return out;
    }

    /** True when {@code dockerHost} answers {@code GET /_ping} with HTTP 200 within {@code timeout}. */
    public static boolean answersPing(String dockerHost, Duration timeout) {
        SocketAddress address;
        try {
            address = address(dockerHost);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (address == null) {
            return false;
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(
                    address.getClass() == UnixDomainSocketAddress.class
                            ? StandardProtocolFamily.UNIX
                            : StandardProtocolFamily.INET);
        } catch (IOException e) {
            return false;
        }
        CompletableFuture<Boolean> ping = CompletableFuture.supplyAsync(
                () -> ping(channel, address),
                r -> Thread.ofVirtual().name("engine-ping").start(r));
        try {
            return ping.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a probe socket: nothing to do
            }
        }
    }

    private static boolean ping(SocketChannel channel, SocketAddress address) {
        try {
            channel.connect(address);
            channel.write(
                    ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(64);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                if (new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).contains("\r\n")) {
                    break;
                }
            }
            String status = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.")
                    && status.length() >= 12
                    && status.substring(9, 12).equals("200");
        } catch (IOException e) {
            return false;
        }
    }

    /** The socket address of {@code unix:///path} or {@code tcp://host:port}; null for a missing socket file. */
    static SocketAddress address(String dockerHost) {
        URI uri = URI.create(dockerHost);
        return switch (uri.getScheme() == null ? "" : uri.getScheme()) {
            case "unix" -> Files.exists(Path.of(uri.getPath())) ? UnixDomainSocketAddress.of(uri.getPath()) : null;
            case "tcp", "http" -> new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 2375 : uri.getPort());
            default -> throw new IllegalArgumentException("unsupported DOCKER_HOST scheme: " + dockerHost);
        };
    }
}
