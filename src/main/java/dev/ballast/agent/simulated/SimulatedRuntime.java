package dev.ballast.agent.simulated;

import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.CheckResult;
import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.ExitStatus;
import dev.ballast.agent.NetworkAddress;
import dev.ballast.agent.PullFailedException;
import dev.ballast.agent.PullResult;
import dev.ballast.agent.SecretEnvironment;
import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * A runtime that runs nothing: it really fetches each image's manifest from its registry (by digest when
 * pinned, by tag otherwise), verifies it, keeps it in a per-instance image cache by digest, and then
 * "starts" containers by handing out ids. Containers stay running until stopped, then exit with 0. Nothing
 * runs their health checks either: a check passes unless its command is literally {@code false} or
 * {@code exit N} with N other than 0 (see docs/decisions.md), so that health, {@code dependsOn HEALTHY} and
 * unhealthy-task replacement can be exercised without an engine. It says so in {@link #description()} and in
 * the {@code ballast.runtime=simulated} attribute. An awsvpc task gets a made-up address of its own
 * ({@link #address}), so that simulated clusters show attachments.
 */
public final class SimulatedRuntime implements ContainerRuntime {

    /** The value of the {@code ballast.runtime} attribute and of {@link #name()}. */
    public static final String NAME = "simulated";

    private final String instanceArn;
    private final RegistryClient registry;
    private final Function<Credential, RegistryClient> withCredential;
    private final LocalImages images = new LocalImages();
    private final Map<String, String> idsByContainerArn = new ConcurrentHashMap<>();
    private final Map<String, ExitStatus> exited = new ConcurrentHashMap<>();
    /** Hosts of 10.0.0.0/8 the simulated addresses use (the .0 and .255 of each /24 left out). */
    private static final int HOSTS = 256 * 256 * 254;

    private final Map<String, NetworkAddress> addresses = new ConcurrentHashMap<>();
    private final Set<String> taken = ConcurrentHashMap.newKeySet();
    /** Task ARN by the runtime id its address was read through; the address is released when that one stops. */
    private final Map<String, String> holders = new ConcurrentHashMap<>();

    private final Map<String, SecretEnvironment> environments = new ConcurrentHashMap<>();

    /**
     * @param registry the client for pulls without explicit credentials (it has the server's credential source)
     * @param withCredential a client for pulls that carry their own registry credentials
     */
    public SimulatedRuntime(
            String instanceArn, RegistryClient registry, Function<Credential, RegistryClient> withCredential) {
        this.instanceArn = Objects.requireNonNull(instanceArn, "instanceArn");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.withCredential = Objects.requireNonNull(withCredential, "withCredential");
    }

    /** A runtime whose pulls all use {@code registry}; a pull with explicit credentials fails, saying why. */
    public SimulatedRuntime(String instanceArn, RegistryClient registry) {
        this(instanceArn, registry, c -> {
            throw new IllegalStateException("explicit registry credentials are not configured for this runtime");
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "containers are not run; images are fetched and verified only";
    }

    @Override
    public Map<String, String> attributes() {
        return Map.of("ballast.runtime", NAME, "ecs.os-type", LocalImages.OS, "ecs.cpu-architecture", "x86_64");
    }

    @Override
    public PullResult pull(String launchImage, Optional<Credential> credentials) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(launchImage);
        } catch (InvalidReferenceException e) {
            throw new PullFailedException(launchImage, "INVALID", "invalid reference format: " + e.getMessage(), e);
        }
        RegistryClient client;
        try {
            client = credentials.map(withCredential).orElse(registry);
        } catch (IllegalStateException e) {
            throw new PullFailedException(launchImage, "UNAUTHORIZED", e.getMessage(), e);
        }
        return images.pull(ref, client);
    }

    @Override
    public String start(AgentTask task, AgentContainer container) {
        return start(task, container, SecretEnvironment.NONE);
    }

    /** "Creates" the container with {@code secrets} in its environment: kept in memory, see {@link #secrets}. */
    @Override
    public String start(AgentTask task, AgentContainer container, SecretEnvironment secrets) {
        if (container.imageDigest() == null || !images.contains(container.imageDigest())) {
            throw new IllegalStateException(
                    "start " + container.name() + " of " + task.arn() + " on " + instanceArn + ": image "
                            + container.launchImage() + " (" + container.imageDigest() + ") is not in the local cache");
        }
        String id = idsByContainerArn.computeIfAbsent(container.containerArn(), arn -> {
            byte[] bytes = new byte[32];
            ThreadLocalRandom.current().nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        });
        environments.putIfAbsent(id, secrets);
        return id;
    }

    /**
     * The secret environment variables container {@code runtimeId} was "created" with (what an engine's container
     * would see in its environment); empty for an unknown or stopped container.
     */
    public Optional<SecretEnvironment> secrets(String runtimeId) {
        return Optional.ofNullable(environments.get(runtimeId));
    }

    /**
     * An awsvpc task's address: derived from its ARN (the same task always gets the same address) in
     * {@code 10.0.0.0/8}, the next free one when another task of this runtime holds it, so that no two tasks of an
     * instance share one; the MAC is Docker's style for that address ({@code 02:42:} and its four bytes).
     */
    @Override
    public Optional<NetworkAddress> address(AgentTask task, String runtimeId) {
        if (task.eni() == null) {
            return Optional.empty();
        }
        holders.putIfAbsent(runtimeId, task.arn());
        return Optional.of(addresses.computeIfAbsent(task.arn(), SimulatedRuntime.this::allocate));
    }

    private NetworkAddress allocate(String taskArn) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(taskArn.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        int start = ((hash[0] & 0xff) << 16 | (hash[1] & 0xff) << 8 | (hash[2] & 0xff)) % HOSTS;
        for (int i = 0; i < HOSTS; i++) {
            int n = (start + i) % HOSTS;
            int[] bytes = {10, n / (256 * 254), n / 254 % 256, 1 + n % 254};
            String ip = bytes[0] + "." + bytes[1] + "." + bytes[2] + "." + bytes[3];
            if (taken.add(ip)) {
                return new NetworkAddress(
                        ip, String.format("02:42:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2], bytes[3]));
            }
        }
        throw new IllegalStateException("no free simulated address for " + taskArn);
    }

    @Override
    public void stop(String runtimeId, Duration timeout) {
        environments.remove(runtimeId); // a stopped container's secrets are kept no longer
        exited.putIfAbsent(runtimeId, new ExitStatus(0, null));
        // the task's namespace is gone with the container its address was read through: the address is free again
        String taskArn = holders.remove(runtimeId);
        NetworkAddress released = taskArn == null ? null : addresses.remove(taskArn);
        if (released != null) {
            taken.remove(released.privateIPv4Address());
        }
    }

    /**
     * Nothing is executed: a check of a "running" container passes, unless the command (its last word, the
     * CMD-SHELL text) is {@code false} or {@code exit N} with N &ne; 0; a check of a stopped container ends.
     */
    @Override
    public CheckResult runCheck(String runtimeId, List<String> command, Duration timeout) {
        if (exited.containsKey(runtimeId)) {
            return new CheckResult.NotRunning();
        }
        String text = command.isEmpty() ? "" : command.getLast().trim();
        if (text.equals("false")) {
            return new CheckResult.Failed("exit code 1 (simulated)");
        }
        if (text.matches("exit [0-9]{1,3}") && !text.equals("exit 0")) {
            return new CheckResult.Failed("exit code " + text.substring(5) + " (simulated)");
        }
        return new CheckResult.Passed();
    }

    @Override
    public Optional<ExitStatus> status(String runtimeId) {
        return Optional.ofNullable(exited.get(runtimeId));
    }
}
