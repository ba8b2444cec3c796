package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.NotificationPoster;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * PostgreSQL stopped and started again under a load of API calls on two replicas: every call that failed got a
 * retryable ECS error (ServerException or ThrottlingException — the SDK's retries are off, so each is seen), every
 * acknowledged write is there afterwards, nothing is half-written (a service without its deployment or tags, a task
 * definition family with a gap in its revisions), a registry notification is answered 503 (registries retry), and
 * afterwards both replicas serve and a service converges.
 */
class PostgresRestartIT {
    private static final Set<String> RETRYABLE = Set.of("ServerException", "ThrottlingException");
    private static final String TOKEN = "outage-notification-token";

    /** What the load saw: acknowledged writes, and failures by phase. */
    private static final class Load {
        final Set<String> taskDefinitions = ConcurrentHashMap.newKeySet();
        final Set<String> services = ConcurrentHashMap.newKeySet();
        final Set<String> tasks = ConcurrentHashMap.newKeySet();
        final Map<String, String> resourceTags = new ConcurrentHashMap<>(); // arn → a tag key it was given
        final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>(); // phase + error code → count
        final List<String> unexpected = new ArrayList<>();
        final AtomicInteger successesAfter = new AtomicInteger();
        final AtomicLong slowestFailureMillis = new AtomicLong();
        volatile String phase = "before";

        int errors(String phase) {
            return errors.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(phase + " "))
                    .mapToInt(e -> e.getValue().get())
                    .sum();
        }
    }

    @Test
    void requestsDuringARestartGetRetryableErrorsAndNothingIsLostOrHalfWritten() throws Exception {
        Path pgData = Files.createTempDirectory("ballast-pg-restart-");
        int pgPort = ServerProcess.freePort();
        EmbeddedPostgres pg = postgres(pgData, pgPort);
        String store = pg.getJdbcUrl("postgres", "postgres") + "&password=postgres";
        Path token = Files.writeString(Files.createTempFile(pgData.getParent(), "notification-token-", ""), TOKEN);
        try (RegistryFixture registry = RegistryFixture.start();
                ServerProcess a = replica(store, "a", token);
                ServerProcess b = replica(store, "b", token);
                EcsClient viaA = client(a.endpoint());
                EcsClient viaB = client(b.endpoint())) {
            Digest pushed = registry.images().push("demo/outage:v1", TestImages.Format.OCI, "outage-1");
            String notification =
                    NotificationPoster.harbor("PUSH_ARTIFACT", registry.host(), "demo/outage", "v1", pushed.toString());
            ContainerDefinition app = ContainerDefinition.builder()
                    .name("app")
                    .image(registry.host() + "/demo/outage:v1")
                    .memory(8)
                    .build();
            viaA.registerTaskDefinition(r -> r.family("steady").containerDefinitions(app));
            viaA.createService(
                    r -> r.serviceName("steady").taskDefinition("steady").desiredCount(2));
            Eventually.await("the steady service runs 2 tasks", Duration.ofSeconds(60), () -> stable(viaB, 2));

            Load load = new Load();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = IntStream.range(0, 6)
                    .mapToObj(w -> Thread.ofPlatform()
                            .name("load-" + w)
                            .start(() -> work(w, w % 2 == 0 ? viaA : viaB, app, load, stop)))
                    .toList();
            try {
                Eventually.await(
                        "writes acknowledged before the outage",
                        Duration.ofSeconds(30),
                        () -> load.tasks.size() >= 6 && load.services.size() >= 6);
                load.phase = "outage";
                pg.close(); // pg_ctl stop -m fast: sessions end with 57P01, then connections are refused
                Eventually.await(
                        "requests fail during the outage", Duration.ofSeconds(30), () -> load.errors("outage") >= 12);
                NotificationPoster.Answer refused =
                        new NotificationPoster(a.endpoint()).post("Bearer " + TOKEN, null, notification);
                assertThat(refused.status())
                        .as("a registry notification during the outage: " + refused.body())
                        .isEqualTo(503);
                pg = postgres(pgData, pgPort);
                load.phase = "after";
                Eventually.await(
                        "both replicas serve again", Duration.ofSeconds(60), () -> load.successesAfter.get() >= 30);
            } finally {
                stop.set(true);
                for (Thread t : workers) {
                    t.join(Duration.ofSeconds(30));
                }
            }
            System.out.printf(
                    "PostgresRestartIT: acknowledged %d task definitions, %d services, %d tasks, %d tags; errors %s;"
                            + " slowest failed call %d ms%n",
                    load.taskDefinitions.size(),
                    load.services.size(),
                    load.tasks.size(),
                    load.resourceTags.size(),
                    load.errors,
                    load.slowestFailureMillis.get());
            // a store failure is not logged as a server fault (ERROR with a stack trace per request)
            assertThat(a.log() + b.log()).doesNotContain("level=ERROR");
            assertThat(load.unexpected)
                    .as("failures that are not retryable ECS errors")
                    .isEmpty();
            assertThat(load.errors("before")).as("failures before the outage").isZero();
            assertThat(load.errors("outage"))
                    .as("retryable failures during the outage")
                    .isPositive();

            // every acknowledged write is there, read through either replica
            for (String arn : load.taskDefinitions) {
                assertThat(viaB.describeTaskDefinition(r -> r.taskDefinition(arn))
                                .taskDefinition()
                                .taskDefinitionArn())
                        .isEqualTo(arn);
            }
            for (String arn : load.tasks) {
                assertThat(viaA.describeTasks(r -> r.tasks(arn)).tasks()).hasSize(1);
            }
            load.resourceTags.forEach((arn, key) -> assertThat(
                            viaA.listTagsForResource(r -> r.resourceArn(arn)).tags())
                    .as("tags of " + arn)
                    .extracting(Tag::key)
                    .contains(key));
            List<String> listed = new ArrayList<>();
            viaB.listServicesPaginator(r -> r.maxResults(100)).serviceArns().forEach(listed::add);
            assertThat(listed.stream().map(s -> s.substring(s.lastIndexOf('/') + 1)))
                    .containsAll(load.services);
            // nothing half-written: every service that exists (acknowledged or not) has its deployment and its tags
            for (String arn : listed) {
                Service s =
                        viaA.describeServices(r -> r.services(arn)).services().get(0);
                assertThat(s.deployments()).as("deployments of " + arn).isNotEmpty();
                if (!s.serviceName().equals("steady")) {
                    assertThat(viaA.listTagsForResource(r -> r.resourceArn(arn)).tags())
                            .as("tags of " + arn)
                            .containsExactly(Tag.builder()
                                    .key("service")
                                    .value(s.serviceName())
                                    .build());
                }
            }
            // ... and every family's revisions are 1..n without a gap
            for (int w = 0; w < 6; w++) {
                String family = "outage-" + w;
                List<Integer> revisions = new ArrayList<>();
                viaB.listTaskDefinitionsPaginator(r -> r.familyPrefix(family))
                        .taskDefinitionArns()
                        .forEach(t -> revisions.add(Integer.parseInt(t.substring(t.lastIndexOf(':') + 1))));
                assertThat(revisions)
                        .as("revisions of " + family)
                        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, revisions.size())
                                .boxed()
                                .toList());
            }
            assertThat(new NotificationPoster(b.endpoint())
                            .post("Bearer " + TOKEN, null, notification)
                            .status())
                    .as("a registry notification after the restart")
                    .isEqualTo(200);
            // both replicas serve and the controller drives a change to the end
            viaB.updateService(r -> r.service("steady").desiredCount(3));
            Eventually.await("the steady service converges on 3", Duration.ofSeconds(60), () -> stable(viaA, 3));
        } finally {
            pg.close();
        }
    }

    /** One load worker: register, create a service, run a task, tag, describe — until stopped. */
    private static void work(int w, EcsClient ecs, ContainerDefinition app, Load load, AtomicBoolean stop) {
        String family = "outage-" + w;
        String lastDefinition = null;
        String lastService = null;
        for (int i = 0; !stop.get(); i++) {
            String phase = load.phase;
            long start = System.nanoTime();
            try {
                switch (i % 5) {
                    case 0 -> {
                        lastDefinition = ecs.registerTaskDefinition(
                                        r -> r.family(family).containerDefinitions(app))
                                .taskDefinition()
                                .taskDefinitionArn();
                        load.taskDefinitions.add(lastDefinition);
                    }
                    case 1 -> {
                        String name = "s-" + w + "-" + i;
                        ecs.createService(r -> r.serviceName(name)
                                .taskDefinition(family)
                                .desiredCount(0)
                                .tags(Tag.builder().key("service").value(name).build()));
                        load.services.add(name);
                        lastService = name;
                    }
                    case 2 ->
                        ecs.runTask(r -> r.taskDefinition(family)).tasks().stream()
                                .map(Task::taskArn)
                                .forEach(load.tasks::add);
                    case 3 -> {
                        if (lastDefinition != null) {
                            String arn = lastDefinition;
                            String key = "k" + i;
                            ecs.tagResource(r -> r.resourceArn(arn)
                                    .tags(Tag.builder().key(key).value("v").build()));
                            load.resourceTags.put(arn, key);
                        }
                    }
                    default -> {
                        if (lastService != null) {
                            String name = lastService;
                            ecs.describeServices(r -> r.services(name));
                        }
                        ecs.listTasks(r -> r.maxResults(10));
                    }
                }
                if (phase.equals("after") && load.phase.equals("after")) {
                    load.successesAfter.incrementAndGet();
                }
            } catch (AwsServiceException e) {
                load.slowestFailureMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                String code = e.awsErrorDetails().errorCode();
                load.errors
                        .computeIfAbsent(load.phase + " " + code, k -> new AtomicInteger())
                        .incrementAndGet();
                if (!RETRYABLE.contains(code)
                        || (code.equals("ServerException")
                                && !e.awsErrorDetails().errorMessage().contains("store is unavailable"))) {
                    synchronized (load.unexpected) {
                        load.unexpected.add(code + ": " + e.awsErrorDetails().errorMessage());
                    }
                }
            } catch (SdkException e) {
                synchronized (load.unexpected) {
                    load.unexpected.add("client-side: " + e);
                }
            }
        }
    }

    private static boolean stable(EcsClient ecs, int count) {
        Service s = ecs.describeServices(r -> r.services("steady")).services().get(0);
        return s.deployments().size() == 1
                && s.runningCount() == count
                && s.pendingCount() == 0
                && "COMPLETED".equals(s.deployments().get(0).rolloutStateAsString());
    }

    /** A PostgreSQL on a fixed port and data directory, so that it can be stopped and started again. */
    private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    private static ServerProcess replica(String store, String node, Path token) throws Exception {
        return ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                Files.createTempDirectory("ballast-replica-").toString(),
                "--store",
                store,
                "--node-name",
                node,
                "--simulated-instances",
                "1",
                "--runtime",
                "simulated",
                "--notification-token-file",
                token.toString());
    }

    /** An SDK client without retries (every error is seen) and with a bound on each call, so a hang fails. */
    private static EcsClient client(URI endpoint) {
        return EcsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(
                        o -> o.retryStrategy(s -> s.maxAttempts(1)).apiCallTimeout(Duration.ofSeconds(20)))
                .build();
    }
}
