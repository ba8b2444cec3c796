package dev.ballast.store;

import dev.ballast.testing.PostgresFixture;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/** Tag-state writes on PostgreSQL: the upsert's "older observation never overwrites" guard. */
class PostgresTagStatesIT {
    @Test
    void anOlderObservationNeverOverwritesANewerOne() {
        try (Store store = Store.openPostgres(PostgresFixture.newDatabase(), Clock.systemUTC())) {
            LifecycleTablesTest.olderObservationNeverOverwritesANewerOne(store);
        }
    }
}
