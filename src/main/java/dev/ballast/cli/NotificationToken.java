package dev.ballast.cli;

import dev.ballast.core.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;

/**
 * The token registries' push notifications must carry: read from {@code --notification-token-file} (its content,
 * without surrounding white space), else from the environment variable {@value #ENV}; never from a command-line value
 * (which {@code ps} shows) and never logged.
 */
final class NotificationToken {
    /** The environment variable read when no file is given. */
    static final String ENV = "BALLAST_NOTIFICATION_TOKEN";

    private NotificationToken() {}

    /**
     * The token, or null (the endpoint then answers 404) when neither a file nor the environment gives one.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no token, or the variable is blank
     */
    static String load(Path file, String env, Logger log) {
        if (file != null) {
            String token;
            try {
                token = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--notification-token-file " + file + ": cannot read it (" + e + ")");
            }
            if (token.isEmpty() || token.lines().count() > 1) {
                throw new IllegalArgumentException(
                        "--notification-token-file " + file + ": expected one line holding the token");
            }
            PrivateFiles.exposed(file, "the notification token file").ifPresent(log::warn);
            log.info("registry notifications: accepted on POST /registry-notifications with the token from {}", file);
            return token;
        }
        if (env != null) {
            String token = env.strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException(ENV + " is set but blank: set it to the token or unset it");
            }
            log.info("registry notifications: accepted on POST /registry-notifications with the token from {}", ENV);
            return token;
        }
        return null;
    }
}
