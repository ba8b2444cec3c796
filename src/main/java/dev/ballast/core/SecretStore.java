package dev.ballast.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.model.SecretReference;
import dev.ballast.model.SecretSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Ballast's local stand-in for Secrets Manager and the SSM Parameter Store, for container {@code secrets}: the
 * container secrets of the secret store file (server and agent option {@code --registry-credentials}, see
 * docs/secrets.md), by secret name or ARN. Each entry's value is the secret's text (a Secrets Manager
 * {@code SecretString} or a parameter's value); a JSON object entry is kept as its JSON text, from which a
 * reference's JSON key selects a member.
 *
 * <p>A reference matches the entry whose key is the reference itself (without its JSON key and version part),
 * else an entry whose key is an ARN of the same kind with the same name, else an entry whose key is a plain
 * name equal to the reference's name ({@code /a/b} and {@code a/b} alike for parameters). Regions and accounts
 * are not compared. Names are compared whole: the six characters Secrets Manager appends to a secret's ARN are
 * part of its name here. Values never appear in {@link #toString()}, reasons or logs.
 */
public final class SecretStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecretStore NONE = new SecretStore(Map.of(), Set.of(), false);

    private final Map<String, String> byKey;
    private final Set<String> registryOnly;
    private final boolean fromFile;

    /**
     * @param byKey the container secrets: key (name or ARN) to the secret's text
     * @param registryOnly keys of the file's registry credentials, which are never container secrets
     * @param fromFile whether a file was configured (for the reasons' wording)
     */
    public SecretStore(Map<String, String> byKey, Set<String> registryOnly, boolean fromFile) {
        this.byKey = Map.copyOf(byKey);
        this.registryOnly = Set.copyOf(registryOnly);
        this.fromFile = fromFile;
    }

    /** No file: every reference is unknown. */
    public static SecretStore none() {
        return NONE;
    }

    /** How a reference resolved: the value, or why there is none. */
    public sealed interface Lookup {}

    /** The secret's value (selected by the reference's JSON key). Its {@link #toString()} hides it. */
    public record Found(String value) implements Lookup {
        public Found {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Found[****]";
        }
    }

    /** Why the reference has no value, naming the reference (never a value, nor the file's path). */
    public record Unavailable(String reason) implements Lookup {}

    /** Resolves {@code reference} against the store. */
    public Lookup lookup(SecretReference reference) {
        Optional<Map.Entry<String, String>> entry = entry(reference);
        if (entry.isEmpty()) {
            String why = registryEntry(reference)
                    ? " is registry credentials (an entry with \"registry\"), which are never put into a container's"
                            + " environment"
                    : " is not in " + where();
            return new Unavailable("secret \"" + reference + "\"" + why);
        }
        if (!reference.current()) {
            return new Unavailable("secret \"" + reference + "\" asks for "
                    + (reference.versionId() != null
                            ? "version id " + reference.versionId()
                            : "version stage " + reference.versionStage())
                    + ", but the secret store holds only each secret's current value (" + SecretReference.CURRENT_STAGE
                    + ")");
        }
        String text = entry.get().getValue();
        if (reference.jsonKey() == null) {
            return new Found(text);
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return new Unavailable("secret \"" + reference + "\" is not a JSON object, so it has no key \""
                    + reference.jsonKey() + "\"");
        }
        JsonNode member = json.get(reference.jsonKey());
        if (member == null || member.isNull()) {
            return new Unavailable("secret \"" + reference + "\" has no JSON key \"" + reference.jsonKey() + "\"");
        }
        return new Found(member.isValueNode() ? member.asText() : member.toString());
    }

    /** Whether {@code valueFrom} (a name or ARN, as written) resolves to a value here. */
    public boolean has(String valueFrom) {
        try {
            return lookup(SecretReference.parse(valueFrom)) instanceof Found;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** How many container secrets the store holds (for the start-up log). */
    public int size() {
        return byKey.size();
    }

    private Optional<Map.Entry<String, String>> entry(SecretReference reference) {
        String base = base(reference);
        if (byKey.containsKey(base)) {
            return Optional.of(Map.entry(base, byKey.get(base)));
        }
        Map.Entry<String, String> byName = null;
        for (Map.Entry<String, String> e : byKey.entrySet()) {
            if (matches(e.getKey(), reference)) {
                if (isArn(e.getKey())) {
                    return Optional.of(e); // an ARN key of the same kind beats a plain name
                }
                byName = byName == null ? e : byName;
            }
        }
        return Optional.ofNullable(byName);
    }

    private boolean registryEntry(SecretReference reference) {
        return registryOnly.stream().anyMatch(k -> k.equals(base(reference)) || matches(k, reference));
    }

    /** Whether entry {@code key} names the secret {@code reference} refers to. */
    private static boolean matches(String key, SecretReference reference) {
        if (!isArn(key)) {
            return reference.source() == SecretSource.SSM_PARAMETER
                    ? reference.sameParameter(key)
                    : key.equals(reference.name());
        }
        SecretReference k;
        try {
            k = SecretReference.parse(key);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return k.source() == reference.source()
                && (reference.source() == SecretSource.SSM_PARAMETER
                        ? reference.sameParameter(k.name())
                        : k.name().equals(reference.name()));
    }

    /** The reference without JSON key and version: what an exact key would be. */
    private static String base(SecretReference r) {
        return new SecretReference(r.source(), r.partition(), r.region(), r.account(), r.name(), null, null, null)
                .toString();
    }

    private static boolean isArn(String key) {
        return key.startsWith("arn:");
    }

    private String where() {
        return fromFile
                ? "the secret store (the --registry-credentials file of this agent)"
                : "the secret store (no --registry-credentials file is configured)";
    }

    @Override
    public String toString() {
        return "SecretStore[" + byKey.size() + " secrets]";
    }
}
