package dev.ballast.model;

import java.util.Objects;

/**
 * A container secret's {@code valueFrom} (ECS {@code Secret}), parsed: a reference to a secret, never the secret.
 * Three forms are accepted, as ECS accepts them:
 *
 * <ul>
 *   <li>a Secrets Manager ARN, {@code arn:<partition>:secretsmanager:<region>:<account>:secret:<name>}, optionally
 *       followed by {@code :<json-key>:<version-stage>:<version-id>} (each part may be empty, trailing ones may be
 *       left out);
 *   <li>an SSM parameter ARN, {@code arn:<partition>:ssm:<region>:<account>:parameter/<name>} (the parameter
 *       {@code /a/b} has the ARN {@code …:parameter/a/b}, the parameter {@code a} the ARN {@code …:parameter/a});
 *   <li>a parameter name (anything not starting with {@code arn:}), an SSM parameter of the task's region.
 * </ul>
 *
 * {@link #toString()} gives the reference back in the first or second form (empty suffix parts written as
 * {@code ::}), or the name; {@code parse(r.toString())} equals {@code r}.
 *
 * @param partition the ARN's partition ({@code aws}), or null for a parameter name
 * @param region the ARN's region, or null for a parameter name
 * @param account the ARN's account, or null for a parameter name
 * @param name the secret's or parameter's name (for a Secrets Manager ARN, with the six characters Secrets Manager
 *     may have appended)
 * @param jsonKey the JSON key to select from a Secrets Manager secret's value, or null for the whole value
 * @param versionStage the Secrets Manager version stage, or null (AWSCURRENT)
 * @param versionId the Secrets Manager version id, or null
 */
public record SecretReference(
        SecretSource source,
        String partition,
        String region,
        String account,
        String name,
        String jsonKey,
        String versionStage,
        String versionId) {

    /** The version stage a reference without stage or id asks for. */
    public static final String CURRENT_STAGE = "AWSCURRENT";

    private static final String SECRET_PREFIX = "secret:";
    private static final String PARAMETER_PREFIX = "parameter/";

    public SecretReference {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a secret reference needs a name");
        }
        jsonKey = emptyToNull(jsonKey);
        versionStage = emptyToNull(versionStage);
        versionId = emptyToNull(versionId);
        if (source == SecretSource.SSM_PARAMETER && (jsonKey != null || versionStage != null || versionId != null)) {
            throw new IllegalArgumentException("an SSM parameter reference has no JSON key or version");
        }
    }

    /**
     * Parses a {@code valueFrom}.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static SecretReference parse(String valueFrom) {
        if (valueFrom == null || valueFrom.isBlank()) {
            throw new IllegalArgumentException("valueFrom is empty: it must be a Secrets Manager secret ARN, "
                    + "an SSM parameter ARN or an SSM parameter name");
        }
        if (!valueFrom.startsWith("arn:")) {
            if (valueFrom.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "valueFrom \"" + valueFrom + "\" is not a parameter name: it contains white space");
            }
            return new SecretReference(SecretSource.SSM_PARAMETER, null, null, null, valueFrom, null, null, null);
        }
        String[] parts = valueFrom.split(":", 6);
        if (parts.length < 6
                || parts[1].isEmpty()
                || parts[3].isEmpty()
                || parts[4].isEmpty()
                || !parts[4].chars().allMatch(Character::isDigit)) {
            throw malformed(valueFrom, "arn:<partition>:<service>:<region>:<account id>:<resource>");
        }
        String resource = parts[5];
        switch (parts[2]) {
            case "secretsmanager" -> {
                if (!resource.startsWith(SECRET_PREFIX)) {
                    throw malformed(valueFrom, "a Secrets Manager ARN names secret:<name>");
                }
                String[] s = resource.substring(SECRET_PREFIX.length()).split(":", -1);
                if (s.length > 4 || s[0].isEmpty()) {
                    throw malformed(valueFrom, "secret:<name>[:<json-key>:<version-stage>:<version-id>]");
                }
                return new SecretReference(
                        SecretSource.SECRETS_MANAGER,
                        parts[1],
                        parts[3],
                        parts[4],
                        s[0],
                        s.length > 1 ? s[1] : null,
                        s.length > 2 ? s[2] : null,
                        s.length > 3 ? s[3] : null);
            }
            case "ssm" -> {
                String tail =
                        resource.startsWith(PARAMETER_PREFIX) ? resource.substring(PARAMETER_PREFIX.length()) : "";
                if (tail.isEmpty() || tail.contains(":")) {
                    throw malformed(valueFrom, "an SSM parameter ARN names parameter/<name>");
                }
                String name = tail.contains("/") ? "/" + tail : tail;
                return new SecretReference(
                        SecretSource.SSM_PARAMETER, parts[1], parts[3], parts[4], name, null, null, null);
            }
            default ->
                throw malformed(valueFrom, "the service must be secretsmanager or ssm, not \"" + parts[2] + "\"");
        }
    }

    /** Whether this is an ARN (else a parameter name). */
    public boolean isArn() {
        return partition != null;
    }

    /**
     * Whether this asks for the current value: no version id, and no version stage other than {@link #CURRENT_STAGE}.
     */
    public boolean current() {
        return versionId == null && (versionStage == null || versionStage.equals(CURRENT_STAGE));
    }

    /** Whether {@code parameterName} names the same SSM parameter as this one ({@code /a} and {@code a} alike). */
    public boolean sameParameter(String parameterName) {
        return source == SecretSource.SSM_PARAMETER && stripSlash(name).equals(stripSlash(parameterName));
    }

    @Override
    public String toString() {
        if (!isArn()) {
            return name;
        }
        String head = "arn:" + partition + ":" + source.wire() + ":" + region + ":" + account + ":";
        if (source == SecretSource.SSM_PARAMETER) {
            return head + PARAMETER_PREFIX + stripSlash(name);
        }
        String base = head + SECRET_PREFIX + name;
        if (jsonKey == null && versionStage == null && versionId == null) {
            return base;
        }
        return base + ":" + orEmpty(jsonKey) + ":" + orEmpty(versionStage) + ":" + orEmpty(versionId);
    }

    private static IllegalArgumentException malformed(String valueFrom, String expected) {
        return new IllegalArgumentException("valueFrom \"" + valueFrom
                + "\" is not a valid Secrets Manager or SSM parameter ARN (" + expected + ")");
    }

    private static String stripSlash(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
