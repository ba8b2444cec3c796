package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * A server on SQLite killed with {@code kill -9} in the middle of a stream of writes, five times, restarted on the
 * same data directory each time: after every kill the database file passes {@code PRAGMA integrity_check} (opened
 * with the SQLite driver while no server runs), and at the end every write the server acknowledged is there and
 * none is half-written (a service without its deployment or tags, a gap in a family's revisions).
 */
class SqliteCrashIT {
    private static final int KILLS = 5;
    private static final int WRITERS = 3;
    private static final int WRITES_PER_ROUND = 20;

    /** The writes the server acknowledged, across all rounds. */
    private static final class Acknowledged {
        final Set<String> taskDefinitions = ConcurrentHashMap.newKeySet();
        final Set<String> services = ConcurrentHashMap.newKeySet();
        final Map<String, Set<String>> tagKeys = new ConcurrentHashMap<>(); // arn → tag keys added by TagResource
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger throttled = new AtomicInteger();
        final List<String> unexpected = new ArrayList<>();
    }

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedKill9AndTheFileStaysIntact() throws Exception {
        Path dataDir = Files.createTempDirectory("ballast-sqlite-crash-");
        int port = ServerProcess.freePort();
        ContainerDefinition app = ContainerDefinition.builder()
                .name("app")
                .image("busybox:1.36")
                .memory(16)
                .build();
        Acknowledged acked = new Acknowledged();
        for (int round = 0; round < KILLS; round++) {
            long t0 = System.nanoTime();
            ServerProcess server = ServerProcess.start(port, "--data-dir", dataDir.toString());
            long t1 = System.nanoTime();
            AtomicBoolean killed = new AtomicBoolean();
            int before = acked.count.get();
            int r = round;
            List<Thread> writers = IntStream.range(0, WRITERS)
                    .mapToObj(w -> Thread.ofPlatform()
                            .name("writer-" + w)
                            .start(() -> write(server, r, w, app, acked, killed)))
                    .toList();
            try {
                Eventually.await(
                        "writes acknowledged in round " + round,
                        Duration.ofSeconds(30),
                        () -> acked.count.get() - before >= WRITES_PER_ROUND || !acked.unexpected.isEmpty());
            } finally {
                killed.set(true);
                server.kill(); // mid-stream: the writers have requests in flight
                for (Thread t : writers) {
                    t.join(Duration.ofSeconds(30));
                }
            }
            System.out.printf(
                    "SqliteCrashIT round %d: start %d ms, writes until the kill %d ms, %d throttled so far%n",
                    round + 1, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, acked.throttled.get());
            assertThat(acked.unexpected).as("failures before the kill").isEmpty();
            assertThat(integrityCheck(dataDir.resolve("ballast.db")))
                    .as("integrity_check after kill " + (round + 1))
                    .containsExactly("ok");
        }
        assertThat(acked.count.get()).isGreaterThanOrEqualTo(KILLS * WRITES_PER_ROUND);

        try (ServerProcess restarted = ServerProcess.start(port, "--data-dir", dataDir.toString());
                EcsClient ecs = Clients.ecs(restarted.endpoint(), "test", "test")) {
            for (String arn : acked.taskDefinitions) {
                assertThat(ecs.describeTaskDefinition(q -> q.taskDefinition(arn))
                                .taskDefinition()
                                .taskDefinitionArn())
                        .isEqualTo(arn);
            }
            acked.tagKeys.forEach((arn, keys) -> assertThat(
                            ecs.listTagsForResource(q -> q.resourceArn(arn)).tags())
                    .as("tags of " + arn)
                    .extracting(Tag::key)
                    .containsAll(keys));
            List<String> listed = new ArrayList<>();
            ecs.listServicesPaginator(q -> q.maxResults(100)).serviceArns().forEach(listed::add);
            assertThat(listed.stream().map(s -> s.substring(s.lastIndexOf('/') + 1)))
                    .containsAll(acked.services);
            for (String arn : listed) { // acknowledged or not: each whole
                Service s =
                        ecs.describeServices(q -> q.services(arn)).services().get(0);
                assertThat(s.deployments()).as("deployments of " + arn).isNotEmpty();
                assertThat(ecs.listTagsForResource(q -> q.resourceArn(arn)).tags())
                        .as("tags of " + arn)
                        .containsExactly(Tag.builder()
                                .key("service")
                                .value(s.serviceName())
                                .build());
            }
            for (int w = 0; w < WRITERS; w++) {
                String family = "crash-" + w;
                List<Integer> revisions = new ArrayList<>();
                ecs.listTaskDefinitionsPaginator(q -> q.familyPrefix(family))
                        .taskDefinitionArns()
                        .forEach(t -> revisions.add(Integer.parseInt(t.substring(t.lastIndexOf(':') + 1))));
                assertThat(revisions)
                        .as("revisions of " + family + " without a gap")
                        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, revisions.size())
                                .boxed()
                                .toList());
            }
        }
    }

    /** Registers, creates a service (with a tag) and tags the last revision, in turn, recording what was acknowledged. */
    private static void write(
            ServerProcess server, int round, int w, ContainerDefinition app, Acknowledged acked, AtomicBoolean killed) {
        String family = "crash-" + w;
        String lastDefinition = null;
        try (EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            for (int i = 0; !killed.get(); i++) {
                try {
                    switch (i % 3) {
                        case 0 -> {
                            lastDefinition = ecs.registerTaskDefinition(
                                            q -> q.family(family).containerDefinitions(app))
                                    .taskDefinition()
                                    .taskDefinitionArn();
                            acked.taskDefinitions.add(lastDefinition);
                        }
                        case 1 -> {
                            String name = "s-" + round + "-" + w + "-" + i;
                            ecs.createService(q -> q.serviceName(name)
                                    .taskDefinition(family)
                                    .desiredCount(0)
                                    .tags(Tag.builder()
                                            .key("service")
                                            .value(name)
                                            .build()));
                            acked.services.add(name);
                        }
                        default -> {
                            String arn = lastDefinition;
                            if (arn == null) {
                                continue; // this round's first registration was throttled: nothing to tag yet
                            }
                            String key = "k-" + round + "-" + i;
                            ecs.tagResource(q -> q.resourceArn(arn)
                                    .tags(Tag.builder().key(key).value("v").build()));
                            acked.tagKeys
                                    .computeIfAbsent(arn, k -> ConcurrentHashMap.newKeySet())
                                    .add(key);
                        }
                    }
                    acked.count.incrementAndGet();
                } catch (AwsServiceException e) {
                    if (killed.get()) {
                        continue;
                    }
                    if (e.awsErrorDetails().errorCode().equals("ThrottlingException")) {
                        acked.throttled.incrementAndGet(); // SQLite busy past its timeout: retryable, not written
                    } else {
                        synchronized (acked.unexpected) {
                            acked.unexpected.add(e.toString());
                        }
                        return;
                    }
                } catch (RuntimeException e) {
                    if (!killed.get()) {
                        synchronized (acked.unexpected) {
                            acked.unexpected.add(e.toString());
                        }
                        return;
                    }
                }
            }
        }
    }

    /** {@code PRAGMA integrity_check} of the file, opened with the SQLite driver (no server has it open). */
    private static List<String> integrityCheck(Path db) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
