package dev.ballast.lifecycle;

import dev.ballast.cli.ServerConfig;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * A real CNCF registry (deletes enabled) and a server on simulated instances whose clock the test moves forward (the
 * guard's answer reuse and sweeps are judged by it); the guard's periodic sweep is left to {@code passOnce}.
 */
final class GuardFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** Past the guard's 30 s answer reuse. */
    static final Duration PAST_TTL = Duration.ofSeconds(31);

    final OffsetClock clock = new OffsetClock(Duration.ofMinutes(-12)); // SigV4 allows 15 min of skew either way
    final RegistryFixture registry;
    final TestServer server;
    final EcsClient ecs;

    GuardFixture() {
        this(Duration.ofHours(6));
    }

    /** With the guard sweeping every {@code guardInterval} (zero: never; the tag watcher then runs daily). */
    GuardFixture(Duration guardInterval) {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> {
            c.simulatedInstances(2)
                    .clock(clock)
                    .agentHealth(new InstanceHealth.Settings(Duration.ofHours(1), Duration.ofHours(2)))
                    .lifecycle(l -> l.withGuard(guardInterval, Duration.ofSeconds(30)));
            return guardInterval.isZero()
                    ? c.tagWatch(new ServerConfig.TagWatch(Duration.ofDays(1), BudgetSettings.defaults()))
                    : c;
        });
        ecs = server.client();
    }

    /** Registers {@code family} with one container {@code app} of {@code registry/image} in {@code mode}. */
    void register(String family, String image, String mode) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/" + image)
                        .memory(16)
                        .versionConsistency(mode)
                        .build()));
    }

    Service service(String name) {
        return ecs.describeServices(r -> r.services(name)).services().getFirst();
    }

    /** Steady: one COMPLETED deployment, all desired tasks RUNNING. */
    boolean stable(String name) {
        Service s = service(name);
        return s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.pendingCount() == 0
                && "COMPLETED".equals(s.deployments().getFirst().rolloutStateAsString());
    }

    void awaitStable(String name) {
        Eventually.await(name + " steady", WAIT, () -> {
            server.server().reconcilers().passOnce();
            return stable(name);
        });
    }

    List<String> events(String name) {
        return service(name).events().stream().map(ServiceEvent::message).toList();
    }

    /** Every task of the service ever started and not yet purged, running or stopped. */
    int tasksEver(String name) {
        return ecs.listTasks(r -> r.serviceName(name).desiredStatus(DesiredStatus.RUNNING))
                        .taskArns()
                        .size()
                + ecs.listTasks(r -> r.serviceName(name).desiredStatus(DesiredStatus.STOPPED))
                        .taskArns()
                        .size();
    }

    /** The value of a metric line ({@code name} with its labels as Prometheus prints them), else -1. */
    double metric(String name) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.endpoint().resolve("/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines()
                    .filter(l -> l.startsWith(name + " "))
                    .findFirst()
                    .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                    .orElse(-1.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A manifest's bytes and media type as the registry serves them (to push the very same digest again). */
    record Manifest(String mediaType, byte[] body) {}

    Manifest manifest(String repository, String reference) {
        HttpResponse<byte[]> r =
                send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/" + repository + "/manifests/" + reference))
                        .header(
                                "Accept",
                                "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json,"
                                        + " application/vnd.docker.distribution.manifest.v2+json,"
                                        + " application/vnd.docker.distribution.manifest.list.v2+json")
                        .build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET manifest " + repository + ":" + reference + ": " + r.statusCode());
        }
        return new Manifest(r.headers().firstValue("Content-Type").orElseThrow(), r.body());
    }

    /** Pushes {@code m} under {@code tag} (its layers are still in the registry). */
    void put(String repository, String tag, Manifest m) {
        HttpResponse<byte[]> r =
                send(HttpRequest.newBuilder(registry.baseUri().resolve("/v2/" + repository + "/manifests/" + tag))
                        .header("Content-Type", m.mediaType())
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(m.body()))
                        .build());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("PUT manifest " + repository + ":" + tag + ": " + r.statusCode());
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest request) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        ecs.close();
        server.close();
        registry.close();
    }

    /** The real time plus an offset the test moves forward (the server's controllers, agents and store use it). */
    static final class OffsetClock extends Clock {
        private final AtomicLong offset;

        OffsetClock(Duration start) {
            this.offset = new AtomicLong(start.toMillis());
        }

        void advance(Duration d) {
            offset.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offset.get());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offset.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
