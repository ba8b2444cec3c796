package dev.ballast.cli;

import dev.ballast.registry.RepositoryCredentials;
import java.nio.file.Path;
import org.slf4j.Logger;

/**
 * Loads {@code --registry-credentials} (registry credentials and the container secret store) for the server and the
 * agent, warning about unsafe permissions.
 */
final class RegistryCredentialsFile {
    private RegistryCredentialsFile() {}

    /** The file's entries, or none when {@code file} is null; the log names the file and the count, never a secret. */
    static RepositoryCredentials load(Path file, Logger log) {
        if (file == null) {
            return RepositoryCredentials.none();
        }
        RepositoryCredentials loaded = RepositoryCredentials.load(file);
        RepositoryCredentials.permissionProblem(file).ifPresent(problem -> log.warn("{}", problem));
        log.info(
                "registry credentials: {} entries from {}; container secrets: {}",
                loaded.size(),
                file,
                loaded.secrets().size());
        return loaded;
    }
}
