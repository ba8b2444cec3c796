package dev.ballast.lifecycle;

import dev.ballast.model.DriftStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.FencedException;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Sharding;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The drift job ({@code job:drift}, a periodic job of the controller runtime): reads every ACTIVE service's drift from
 * the store ({@link DriftView}: no registry request), writes a service event once per (service, tag, digest the tag
 * moved to), asks for the index children a comparison lacked ({@link IndexChildrenFetcher}, off this thread) and sets
 * the {@code ballast_drifted_services} and {@code ballast_unconverged_tasks} gauges. With several replicas
 * ({@link Sharding}) it runs on each, for the services of the shards it holds, writing each service's events under
 * that service's fence; the gauges are then this replica's share.
 */
public final class DriftJob implements Runnable {
    /** The job's key on the controller runtime. */
    public static final String KEY = "job:drift";
    /** How often it runs. */
    public static final Duration EVERY = Duration.ofSeconds(5);
    /** At most this many event keys are remembered. */
    static final int MAX_REMEMBERED = 100_000;

    private final Store store;
    private final Consumer<ServiceDrift.IndexRef> fetch;
    private final Sharding sharding;
    private final AtomicInteger drifted = new AtomicInteger();
    private final AtomicInteger unconverged = new AtomicInteger();
    /** Event keys written by this process (each event is written with {@code addOnce}; this spares re-writing it). */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** {@code fetch} is asked for index children not recorded yet (it must not block). */
    public DriftJob(Store store, Consumer<ServiceDrift.IndexRef> fetch) {
        this(store, fetch, Sharding.ALL);
    }

    /** As above, for the services of the shards {@code sharding} holds. */
    public DriftJob(Store store, Consumer<ServiceDrift.IndexRef> fetch, Sharding sharding) {
        this.sharding = sharding;
        this.store = store;
        this.fetch = fetch;
    }

    /** Registers the two gauges on {@code metrics}. */
    public DriftJob bind(MeterRegistry metrics) {
        Gauge.builder("ballast.drifted.services", drifted, AtomicInteger::get)
                .baseUnit("services")
                .description("ACTIVE services with a container whose tag names other bytes than it was deployed with")
                .register(metrics);
        Gauge.builder("ballast.unconverged.tasks", unconverged, AtomicInteger::get)
                .baseUnit("tasks")
                .description("RUNNING service tasks with a container that does not run the digest it should")
                .register(metrics);
        return this;
    }

    @Override
    public void run() {
        passOnce();
    }

    /** One pass over every ACTIVE service of this replica's shards (see the class comment). */
    public void passOnce() {
        DriftView view = new DriftView(store);
        int driftedServices = 0;
        int unconvergedTasks = 0;
        Set<ServiceDrift.IndexRef> wanted = new HashSet<>();
        // one statement for every live service's deployments and one per cluster for their tasks, not one per service
        Map<String, List<DeploymentRow>> deployments = new HashMap<>();
        for (Versioned<DeploymentRow> d : store.deployments().holdingImages()) {
            deployments
                    .computeIfAbsent(d.value().serviceArn(), k -> new ArrayList<>())
                    .add(d.value());
        }
        Map<String, Map<String, List<TaskRow>>> tasksByCluster = new HashMap<>();
        for (Versioned<ServiceRow> v : store.services().needingReconcile(100_000)) {
            ServiceRow s = v.value();
            if (ServiceStatus.fromWire(s.status()) != ServiceStatus.ACTIVE || !sharding.owns(s.arn())) {
                continue;
            }
            Map<String, List<TaskRow>> tasks = tasksByCluster.computeIfAbsent(s.cluster(), this::liveTasksByService);
            ServiceDrift d =
                    view.of(s, deployments.getOrDefault(s.arn(), List.of()), tasks.getOrDefault(s.arn(), List.of()));
            if (d.drifted()) {
                driftedServices++;
            }
            unconvergedTasks += d.unconvergedTasks().size();
            wanted.addAll(d.unknownIndexes());
            try {
                sharding.runFenced(s.arn(), () -> d.containers().forEach(c -> event(s, c)));
            } catch (FencedException e) {
                // the service's shard moved meanwhile: its new holder writes the events
            }
        }
        drifted.set(driftedServices);
        unconverged.set(unconvergedTasks);
        wanted.forEach(fetch);
    }

    private Map<String, List<TaskRow>> liveTasksByService(String cluster) {
        Map<String, List<TaskRow>> out = new HashMap<>();
        for (TaskRow t : store.tasks().liveInCluster(cluster)) {
            if (t.serviceArn() != null) {
                out.computeIfAbsent(t.serviceArn(), k -> new ArrayList<>()).add(t);
            }
        }
        return out;
    }

    private void event(ServiceRow s, ContainerDrift c) {
        DriftStatus status = c.status();
        if (status != DriftStatus.MOVED
                && status != DriftStatus.INDEX_CHANGED_PLATFORM_UNCHANGED
                && status != DriftStatus.TAG_MISSING) {
            return;
        }
        String digest = c.registryDigest() == null ? "none" : c.registryDigest();
        StringBuilder message = new StringBuilder("(service ")
                .append(s.name())
                .append(") container ")
                .append(c.containerName())
                .append(": ")
                .append(c.detail());
        if (c.convergedTasks() != null && !c.converged()) {
            message.append("; ")
                    .append(c.unconvergedTasks().size())
                    .append(" of ")
                    .append(c.runningTasks())
                    .append(" running tasks have not converged");
        }
        message.append('.');
        String key = "drift:" + s.arn() + ":" + c.tag() + ":" + digest;
        if (reported.size() > MAX_REMEMBERED) {
            reported.clear(); // addOnce still writes each event once; this only spares the repeated statements
        }
        if (!reported.contains(key)) {
            store.events().addOnce(s.arn(), key, message.toString());
            reported.add(key); // after the write: a write refused by a moved fence is not taken for done
        }
    }
}
