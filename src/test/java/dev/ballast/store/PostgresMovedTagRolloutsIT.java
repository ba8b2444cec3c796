package dev.ballast.store;

import dev.ballast.testing.PostgresFixture;
import java.time.Clock;

/** {@link MovedTagRolloutsContract} on PostgreSQL (a fresh database per test). */
class PostgresMovedTagRolloutsIT extends MovedTagRolloutsContract {
    @Override
    Store open() {
        return Store.openPostgres(PostgresFixture.newDatabase(), Clock.systemUTC());
    }
}
