package dev.ballast.store;

import dev.ballast.testing.PostgresFixture;
import java.time.Clock;

/** {@link CapacityProvidersContract} on PostgreSQL (a fresh database per test). */
class PostgresCapacityProvidersIT extends CapacityProvidersContract {
    @Override
    Store open() {
        return Store.openPostgres(PostgresFixture.newDatabase(), Clock.systemUTC());
    }
}
