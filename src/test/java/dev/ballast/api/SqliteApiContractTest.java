package dev.ballast.api;

import dev.ballast.testing.TestServer;

/** The API contract on the embedded SQLite store. */
class SqliteApiContractTest extends ApiContractSuite {
    @Override
    TestServer startServer() {
        return TestServer.sqlite();
    }
}
