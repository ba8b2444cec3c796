package dev.ballast.bench;

import dev.ballast.testing.Clients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Replicas on one PostgreSQL database with an AWS SDK client each, and the workload steps the multi-replica
 * benchmarks share: one task definition, services created across the replicas, running tasks counted.
 */
final class Fleet implements AutoCloseable {
    /** Simulated instances register this much, so a benchmark's tasks never run out of room on them. */
    static final String[] ROOMY_INSTANCES = {"--instance-cpu", "8192", "--instance-memory", "16384"};

    private final List<Replica> replicas = new ArrayList<>();
    private final List<EcsClient> clients = new ArrayList<>();

    /**
     * Starts {@code count} replicas on {@code store} sharing {@code instances} simulated instances (the first ones
     * take the remainder), each with {@code extra} arguments; one after another, so the first starts alone.
     */
    static Fleet start(String store, int count, int instances, String... extra) throws Exception {
        Fleet fleet = new Fleet();
        try {
            for (int i = 0; i < count; i++) {
                int share = instances / count + (i < instances % count ? 1 : 0);
                fleet.add(Replica.start(store, "r" + (i + 1), share, extra));
            }
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    void add(Replica replica) {
        replicas.add(replica);
        clients.add(Clients.ecs(replica.endpoint(), "test", "test"));
    }

    List<Replica> replicas() {
        return replicas;
    }

    int size() {
        return replicas.size();
    }

    /** The client of replica {@code i} modulo the fleet's size. */
    EcsClient client(int i) {
        return clients.get(Math.floorMod(i, clients.size()));
    }

    /** Registers family {@code bench}: one pinned container of 16 MiB of {@code image}. */
    void registerTaskDefinition(String image) {
        client(0)
                .registerTaskDefinition(r -> r.family("bench")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .build()));
    }

    /**
     * Creates services {@code names} ({@code service} or {@code cluster/service}) of {@code desired} tasks each, the
     * calls spread over the replicas with one caller per replica; returns when every call has been answered.
     */
    void createServices(List<String> names, int desired) throws Exception {
        forEachReplica(r -> {
            for (int i = r; i < names.size(); i += size()) {
                String name = names.get(i);
                client(r)
                        .createService(s -> s.cluster(cluster(name))
                                .serviceName(service(name))
                                .taskDefinition("bench")
                                .desiredCount(desired)
                                .deploymentConfiguration(
                                        d -> d.maximumPercent(200).minimumHealthyPercent(100)));
            }
        });
    }

    /** The cluster of {@code cluster/service}, {@code default} for a bare service name. */
    static String cluster(String name) {
        int slash = name.indexOf('/');
        return slash < 0 ? "default" : name.substring(0, slash);
    }

    static String service(String name) {
        return name.substring(name.indexOf('/') + 1);
    }

    /** Runs {@code work(i)} for every replica index at once and waits for all, rethrowing the first failure. */
    void forEachReplica(IntConsumer work) throws Exception {
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < size(); i++) {
                int r = i;
                calls.add(callers.submit(() -> work.accept(r)));
            }
            for (Future<?> f : calls) {
                f.get();
            }
        }
    }

    /** The services ({@code service} or {@code cluster/service}), described ten at a time through replica {@code via}. */
    List<Service> describe(int via, List<String> names) {
        Map<String, List<String>> byCluster = new LinkedHashMap<>();
        for (String name : names) {
            byCluster.computeIfAbsent(cluster(name), c -> new ArrayList<>()).add(service(name));
        }
        List<Service> out = new ArrayList<>();
        byCluster.forEach((cluster, services) -> {
            for (int i = 0; i < services.size(); i += 10) {
                List<String> page = services.subList(i, Math.min(services.size(), i + 10));
                out.addAll(client(via)
                        .describeServices(r -> r.cluster(cluster).services(page))
                        .services());
            }
        });
        return out;
    }

    /**
     * Polls DescribeServices until the services run {@code total} tasks together, printing progress every
     * {@code every} tasks; returns seconds since {@code startNanos}.
     */
    double awaitRunning(List<String> names, long total, long every, long startNanos, Duration timeout)
            throws InterruptedException {
        long reported = -1;
        while (true) {
            long running =
                    describe(0, names).stream().mapToLong(Service::runningCount).sum();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            if (running / every != reported / every || running == total) {
                System.out.printf(Locale.ROOT, "  %7.1f s  running %d of %d%n", seconds, running, total);
                reported = running;
            }
            if (running >= total) {
                return seconds;
            }
            if (System.nanoTime() - startNanos > timeout.toNanos()) {
                throw new IllegalStateException("only " + running + " of " + total + " tasks running after " + timeout);
            }
            Thread.sleep(names.size() > 100 ? 1_000 : 250); // many services: keep the poll's own load small
        }
    }

    /** The same metric on every replica, e.g. {@code "r1=1 r2=0"}. */
    String metric(String name) {
        StringBuilder sb = new StringBuilder();
        for (Replica r : replicas) {
            if (!r.alive()) {
                continue;
            }
            String value;
            try {
                value = String.format(Locale.ROOT, "%.0f", r.metric(name));
            } catch (Exception e) {
                value = "?";
            }
            sb.append(sb.isEmpty() ? "" : " ").append(r.node()).append('=').append(value);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        clients.forEach(EcsClient::close);
        replicas.forEach(Replica::close);
    }
}
