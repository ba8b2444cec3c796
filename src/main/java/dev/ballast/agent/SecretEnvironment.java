package dev.ballast.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment variables a container gets from its {@code secrets}, resolved by the agent from its secret store
 * just before the container is created. It holds secret values: {@link #toString()} shows the names only, and it
 * is never stored, reported or logged.
 */
public final class SecretEnvironment {

    /** No secrets. */
    public static final SecretEnvironment NONE = new SecretEnvironment(Map.of());

    private final Map<String, String> byName;

    /** @param byName environment variable name to the secret's value, in the container definition's order */
    public SecretEnvironment(Map<String, String> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    /** Whether there is nothing to inject. */
    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** The variables' names. */
    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    /** The value of variable {@code name}, or null. */
    public String value(String name) {
        return byName.get(name);
    }

    /** {@code environment} (as {@code NAME=value}) followed by these variables, as an engine takes them. */
    public List<String> appendedTo(List<String> environment) {
        List<String> all = new ArrayList<>(environment);
        byName.forEach((name, value) -> all.add(name + "=" + value));
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "SecretEnvironment" + byName.keySet() + " (values hidden)";
    }
}
