package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * The packaged server keeps its data private (issue 9, item 10): it creates the data directory mode 700 and
 * the SQLite store (with its -wal and -shm files) 600, and warns about an existing directory, store or
 * credentials file that group or others can open.
 */
class FileModesIT {

    @Test
    void aNewDataDirectoryAndStoreAreOwnerOnly() throws Exception {
        Path dir = Files.createTempDirectory("ballast-modes-").resolve("data");
        try (ServerProcess server =
                ServerProcess.start(ServerProcess.freePort(), "--runtime", "simulated", "--data-dir", dir.toString())) {
            assertThat(mode(dir)).isEqualTo("rwx------");
            for (String file : new String[] {"ballast.db", "ballast.db-wal", "ballast.db-shm"}) {
                assertThat(mode(dir.resolve(file))).as(file).isEqualTo("rw-------");
            }
            assertThat(server.log()).doesNotContain("open to group or others");
        }
    }

    @Test
    void existingFilesOpenToOthersAreWarnedAbout() throws Exception {
        Path dir = Files.createTempDirectory("ballast-modes-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = Files.createFile(dir.resolve("ballast.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Path credentials = dir.resolve("credentials");
        Files.writeString(credentials, "[default]\naws_access_key_id = test\naws_secret_access_key = test\n");
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-r--r--"));
        try (ServerProcess server =
                ServerProcess.start(ServerProcess.freePort(), "--runtime", "simulated", "--data-dir", dir.toString())) {
            assertThat(server.log())
                    .contains("the data directory " + dir + " is open to group or others (mode rwxr-xr-x): chmod 700 "
                            + dir)
                    .contains("the store file " + db + " is open to group or others (mode rw-r--r--): chmod 600 " + db)
                    .contains("the credentials file " + credentials
                            + " is open to group or others (mode rw-r--r--): chmod 600 " + credentials);
            // warned about, not changed behind the operator's back
            assertThat(mode(db)).isEqualTo("rw-r--r--");
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
