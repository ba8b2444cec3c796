package dev.ballast.store;

import dev.ballast.testing.MutableClock;
import dev.ballast.testing.PostgresFixture;

/** {@link RetentionContract} on a real PostgreSQL. */
class PostgresRetentionIT extends RetentionContract {
    @Override
    Store open(MutableClock clock) {
        return Store.openPostgres(PostgresFixture.newDatabase(), clock);
    }
}
