package dev.ballast.store;

import dev.ballast.api.Json;

/** For {@code ArchitectureTest}'s self-test only: a store class using {@code api}, which the table forbids. */
public final class StoreArchitectureFixture {
    private StoreArchitectureFixture() {}

    public static Object usesApi() {
        return Json.object();
    }
}
