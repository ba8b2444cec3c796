package dev.ballast.api;

import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.TestServer;

/** The API contract on a real PostgreSQL. */
class PostgresApiContractIT extends ApiContractSuite {
    @Override
    TestServer startServer() {
        return TestServer.postgres(PostgresFixture.newDatabase());
    }
}
