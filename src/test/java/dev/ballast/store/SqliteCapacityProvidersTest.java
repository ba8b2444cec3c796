package dev.ballast.store;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** {@link CapacityProvidersContract} on SQLite. */
class SqliteCapacityProvidersTest extends CapacityProvidersContract {
    @TempDir
    Path dir;

    @Override
    Store open() {
        return Store.openSqlite(dir, Clock.systemUTC());
    }
}
