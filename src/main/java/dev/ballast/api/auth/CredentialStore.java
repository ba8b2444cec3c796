package dev.ballast.api.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access keys Ballast accepts, by access key id. Immutable; {@link #toString()} lists key ids only.
 */
public final class CredentialStore {

    /** Access key id of the documented development pair (secret {@value #DEVELOPMENT_SECRET}). */
    public static final String DEVELOPMENT_ACCESS_KEY_ID = "test";
    /** Secret of the documented development pair; only for local use. */
    public static final String DEVELOPMENT_SECRET = "test";

    private final Map<String, Credential> byAccessKeyId;

    private CredentialStore(Map<String, Credential> byAccessKeyId) {
        this.byAccessKeyId = Map.copyOf(byAccessKeyId);
    }

    /**
     * Reads every profile of an AWS shared-credentials file ({@code [profile]} sections with
     * {@code aws_access_key_id}, {@code aws_secret_access_key} and optional {@code aws_session_token}).
     * Profiles without any of these keys (e.g. role profiles) are skipped.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException naming the file and line, if the content is malformed or the file
     *                                  holds no credentials
     * @see <a href="https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html">Shared config and
     *      credentials files</a>
     */
    public static CredentialStore load(Path file) throws IOException {
        return fromList(file.toString(), CredentialFile.parse(file));
    }

    /**
     * A store holding exactly the given credentials.
     *
     * @throws IllegalArgumentException if one access key id is given twice with different secrets
     */
    public static CredentialStore of(Credential... credentials) {
        return fromList("arguments", List.of(credentials));
    }

    /** The documented development pair: access key {@code test}, secret {@code test}. */
    public static CredentialStore developmentPair() {
        return of(Credential.of(DEVELOPMENT_ACCESS_KEY_ID, DEVELOPMENT_SECRET));
    }

    private static CredentialStore fromList(String source, Collection<Credential> credentials) {
        Map<String, Credential> map = new LinkedHashMap<>();
        for (Credential c : credentials) {
            Credential previous = map.putIfAbsent(c.accessKeyId(), c);
            if (previous != null && !previous.equals(c)) {
                throw new IllegalArgumentException(
                        source + ": access key " + c.accessKeyId() + " is given twice with different secrets");
            }
        }
        return new CredentialStore(map);
    }

    /** The credential for an access key id, or empty if the key is unknown. */
    public Optional<Credential> find(String accessKeyId) {
        return Optional.ofNullable(byAccessKeyId.get(accessKeyId));
    }

    public boolean isEmpty() {
        return byAccessKeyId.isEmpty();
    }

    public int size() {
        return byAccessKeyId.size();
    }

    @Override
    public String toString() {
        return "CredentialStore" + byAccessKeyId.keySet().stream().sorted().toList();
    }
}
