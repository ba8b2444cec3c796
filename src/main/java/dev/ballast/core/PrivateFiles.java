package dev.ballast.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files only their owner may read: the data directory (mode 700), the SQLite store (600) and the
 * credentials files. Created that way; an existing one open to group or others is reported, not changed.
 * On file systems without POSIX permissions these are plain creations and never report.
 */
public final class PrivateFiles {
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {}

    /** Creates {@code dir} and its missing parents with mode 700; an existing directory is left as it is. */
    public static void createDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    /** Creates {@code file} empty with mode 600 unless it exists. */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (FileAlreadyExistsException exists) {
            // left as it is; see exposed()
        } catch (UnsupportedOperationException notPosix) {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        }
    }

    /**
     * Why {@code path} is not private, e.g. {@code "the data directory /d is open to group or others (mode
     * rwxr-xr-x): chmod 700 /d"}; empty when it is private, missing, or the file system has no POSIX modes.
     *
     * @param what what the path is, for the message ("the credentials file")
     */
    public static Optional<String> exposed(Path path, String what) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
            if (mode.stream().noneMatch(GROUP_OR_OTHERS::contains)) {
                return Optional.empty();
            }
            return Optional.of(
                    what + " " + path + " is open to group or others (mode " + PosixFilePermissions.toString(mode)
                            + "): chmod " + (Files.isDirectory(path) ? "700 " : "600 ") + path);
        } catch (UnsupportedOperationException | IOException notPosixOrMissing) {
            return Optional.empty();
        }
    }
}
