package dev.ballast.registry;

import java.util.Map;
import java.util.Optional;

/** Where credentials for a registry ({@code host[:port]}, Docker Hub as {@code docker.io}) come from. */
@FunctionalInterface
public interface CredentialSource {

    /** Credentials for {@code registry}, or empty to talk to it anonymously. */
    Optional<Credential> lookup(String registry);

    /** No credentials for any registry. */
    static CredentialSource none() {
        return registry -> Optional.empty();
    }

    /** Fixed credentials per registry. */
    static CredentialSource of(Map<String, Credential> byRegistry) {
        Map<String, Credential> copy = Map.copyOf(byRegistry);
        return registry -> Optional.ofNullable(copy.get(registry));
    }

    /** This source, falling back to {@code next} where this one has nothing. */
    default CredentialSource orElse(CredentialSource next) {
        return registry -> lookup(registry).or(() -> next.lookup(registry));
    }
}
