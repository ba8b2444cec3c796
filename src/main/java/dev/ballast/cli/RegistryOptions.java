package dev.ballast.cli;

import dev.ballast.registry.RegistryAccess;
import dev.ballast.registry.RegistryConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

/**
 * The registry options {@code ballast server} and {@code ballast agent} share: which registries may be
 * contacted ({@code --allowed-registries}) and which are spoken to over plain HTTP ({@code --insecure-registry}).
 * They apply to this process's registry client (resolution, and the simulated runtime's pulls); a Docker or
 * Podman engine pulls with its own settings (Podman: registries.conf {@code insecure = true}; Docker:
 * daemon.json {@code insecure-registries}).
 */
final class RegistryOptions {

    @Option(
            names = "--allowed-registries",
            paramLabel = "PATTERNS",
            description =
                    "Registries this process may contact: comma-separated globs over host[:port] (* and ?; a pattern "
                            + "without a port matches every port), e.g. ghcr.io,*.corp.example,registry.lan:5000 (default: any). "
                            + "Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254, "
                            + "metadata.google.internal) are refused unless a pattern names them without wildcards.")
    String allowedRegistries;

    @Option(
            names = "--insecure-registry",
            paramLabel = "HOST[:PORT]",
            split = ",",
            description =
                    "Use plain HTTP (no TLS) for this registry (repeatable or comma-separated); loopback registries "
                            + "always are. A Docker/Podman engine needs the same registry marked insecure in its own configuration.")
    List<String> insecureRegistries = new ArrayList<>();

    /** The allow-list as given. */
    RegistryAccess access() {
        return RegistryAccess.parse(allowedRegistries);
    }

    /**
     * {@code base} with these options, logging the allow-list and warning about plain-HTTP registries.
     *
     * @throws IllegalArgumentException for an invalid pattern or registry name, naming the option
     */
    RegistryConfig apply(RegistryConfig base, Logger log) {
        RegistryAccess access;
        try {
            access = access();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--allowed-registries: " + e.getMessage(), e);
        }
        LinkedHashSet<String> insecure = new LinkedHashSet<>();
        for (String r : insecureRegistries) {
            String registry = r.trim();
            if (registry.isEmpty()) {
                continue;
            }
            if (!registry.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("--insecure-registry: invalid registry '" + registry
                        + "': use host or host:port, e.g. registry.lan:5000");
            }
            insecure.add(registry);
        }
        if (!access.patterns().isEmpty()) {
            log.info("registries allowed: {} (--allowed-registries)", access);
        }
        if (!insecure.isEmpty()) {
            log.warn(
                    "plain HTTP, no TLS, to registries {} (--insecure-registry): their answers can be read and changed "
                            + "on the network",
                    String.join(",", insecure));
        }
        LinkedHashSet<String> all = new LinkedHashSet<>(base.insecureRegistries());
        all.addAll(insecure);
        return base.withInsecureRegistries(all).withAccess(access);
    }
}
