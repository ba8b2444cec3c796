package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Clients;
import dev.ballast.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Many API writers at once on the embedded SQLite store, with the controllers reconciling every new service and
 * the embedded agents launching their tasks: every call is answered and every service exists.
 */
class ConcurrentWritersTest {
    private static final int CALLERS = 8;
    private static final int SERVICES_EACH = 15;

    @Test
    void eightConcurrentCreateServiceCallersAreAllAnswered() throws Exception {
        try (TestServer server = TestServer.sqlite(c -> c.simulatedInstances(2));
                EcsClient setup = server.client()) {
            setup.registerTaskDefinition(r -> r.family("writers")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image("127.0.0.1:9/writers/app:v1")
                            .memory(8)
                            .versionConsistency("disabled")
                            .build()));
            ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
            try {
                List<Future<Integer>> calls = new ArrayList<>();
                for (int c = 0; c < CALLERS; c++) {
                    int caller = c;
                    calls.add(pool.submit(() -> {
                        // the SDK's standard retries, as real callers have: a write refused for contention
                        // (ThrottlingException) is an answer to retry; a hang or any other error still fails here
                        try (EcsClient ecs = Clients.ecsWithRetries(server.endpoint(), "test", "test")) {
                            for (int i = 0; i < SERVICES_EACH; i++) {
                                String name = "w-" + caller + "-" + i;
                                ecs.createService(r -> r.serviceName(name)
                                        .taskDefinition("writers")
                                        .desiredCount(1));
                            }
                        }
                        return SERVICES_EACH;
                    }));
                }
                int created = 0;
                for (Future<Integer> f : calls) {
                    created += f.get(5, TimeUnit.MINUTES); // a hung server fails here instead of holding the build
                }
                assertThat(created).isEqualTo(CALLERS * SERVICES_EACH);
            } finally {
                pool.shutdownNow();
            }
            assertThat(setup.listServices(r -> r.maxResults(100)).serviceArns()).hasSize(100);
        }
    }
}
