package dev.ballast.store;

import dev.ballast.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** {@link RetentionContract} on SQLite. */
class SqliteRetentionTest extends RetentionContract {
    @Override
    Store open(MutableClock clock) {
        try {
            return Store.openSqlite(Files.createTempDirectory("ballast-retention-"), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
