package dev.ballast.deploy;

import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;

/** Service events for one service, in ECS's "(service name) …" style. */
final class Events {
    private final Store store;
    private final ServiceRow service;

    Events(Store store, ServiceRow service) {
        this.store = store;
        this.service = service;
    }

    String serviceName() {
        return service.name();
    }

    void add(String message) {
        store.events().add(service.arn(), message);
    }

    void addOnce(String key, String message) {
        store.events().addOnce(service.arn(), service.arn() + "|" + key, message);
    }
}
