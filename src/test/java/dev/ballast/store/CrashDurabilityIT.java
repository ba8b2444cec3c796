package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Clients;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * Every write the server acknowledged is still there after {@code kill -9} and a restart: writers run
 * concurrently until the process is killed mid-flight.
 */
class CrashDurabilityIT {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void acknowledgedWritesSurviveKill9(String storeKind) throws Exception {
        Path dataDir = Files.createTempDirectory("ballast-crash-");
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString()));
        if (storeKind.equals("postgresql")) {
            args.addAll(List.of("--store", PostgresFixture.newDatabase()));
        }
        int port = ServerProcess.freePort();
        Set<String> acknowledgedTaskDefs = ConcurrentHashMap.newKeySet();
        Set<String> acknowledgedClusters = ConcurrentHashMap.newKeySet();
        ContainerDefinition c = ContainerDefinition.builder()
                .name("app")
                .image("busybox:1.36")
                .memory(16)
                .build();

        try (ServerProcess server = ServerProcess.start(port, args.toArray(String[]::new))) {
            AtomicBoolean killed = new AtomicBoolean();
            CountDownLatch someWritten = new CountDownLatch(40);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    try (EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
                        for (int i = 0; !killed.get(); i++) {
                            try {
                                if (i % 5 == 0) {
                                    String name = "crash-" + id + "-" + i;
                                    ecs.createCluster(r -> r.clusterName(name));
                                    acknowledgedClusters.add(name);
                                } else {
                                    acknowledgedTaskDefs.add(ecs.registerTaskDefinition(
                                                    r -> r.family("crash-" + id).containerDefinitions(c))
                                            .taskDefinition()
                                            .taskDefinitionArn());
                                }
                                someWritten.countDown();
                            } catch (RuntimeException e) {
                                if (!killed.get()) {
                                    throw e;
                                }
                            }
                        }
                    }
                }));
            }
            assertThat(someWritten.await(60, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300);
            killed.set(true);
            server.kill();
            for (Thread t : writers) {
                t.join();
            }
        }
        assertThat(acknowledgedTaskDefs).hasSizeGreaterThan(20);

        try (ServerProcess restarted = ServerProcess.start(port, args.toArray(String[]::new));
                EcsClient ecs = Clients.ecs(restarted.endpoint(), "test", "test")) {
            Set<String> listed = ConcurrentHashMap.newKeySet();
            for (int w = 0; w < 4; w++) {
                int id = w;
                ecs.listTaskDefinitionsPaginator(
                                r -> r.familyPrefix("crash-" + id).status(TaskDefinitionStatus.ACTIVE))
                        .taskDefinitionArns()
                        .forEach(listed::add);
            }
            assertThat(listed).containsAll(acknowledgedTaskDefs);
            List<String> clusters = ecs.listClustersPaginator(r -> r.maxResults(100)).clusterArns().stream()
                    .map(a -> a.substring(a.indexOf('/') + 1))
                    .toList();
            assertThat(clusters).containsAll(acknowledgedClusters);
            // Revisions continue after the highest one stored: no number is reused.
            String next = ecs.registerTaskDefinition(r -> r.family("crash-0").containerDefinitions(c))
                    .taskDefinition()
                    .taskDefinitionArn();
            assertThat(listed).doesNotContain(next);
        }
    }
}
