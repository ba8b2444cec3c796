package dev.ballast.schedule;

import dev.ballast.core.Account;
import dev.ballast.core.Ids;
import dev.ballast.core.ModelJson;
import dev.ballast.core.RepeatedLog;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.ClientTokenClaim;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskRow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates tasks: places them on container instances and stores them for the agents, each container
 * launching the image its resolution record says ({@code repo:tag@sha256:…} when pinned).
 */
public final class Launcher {
    private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

    /**
     * What to launch. {@code containers} is the resolution record's entries (one per container); {@code spec}
     * says where and how (launch type, capacity providers, placement, network); {@code targetInstances}, when
     * not null, are the only instances the tasks may go to (StartTask, a DAEMON service's instance).
     */
    public record Launch(
            String cluster,
            String clusterArn,
            TaskDefinitionRecord taskDefinition,
            List<ContainerResolution> containers,
            String serviceArn,
            String deploymentId,
            String startedBy,
            String group,
            String clientToken,
            LaunchSpec spec,
            List<String> targetInstances) {
        public Launch {
            spec = spec == null ? LaunchSpec.DEFAULT : spec;
            targetInstances = targetInstances == null ? null : List.copyOf(targetInstances);
        }

        /** A launch with the default spec, on any instance. */
        public Launch(
                String cluster,
                String clusterArn,
                TaskDefinitionRecord taskDefinition,
                List<ContainerResolution> containers,
                String serviceArn,
                String deploymentId,
                String startedBy,
                String group,
                String clientToken) {
            this(
                    cluster,
                    clusterArn,
                    taskDefinition,
                    containers,
                    serviceArn,
                    deploymentId,
                    startedBy,
                    group,
                    clientToken,
                    LaunchSpec.DEFAULT,
                    null);
        }
    }

    /** Tasks created (possibly fewer than asked) and why the rest could not be placed. */
    public record Launched(List<TaskRow> tasks, String failureReason) {}

    private final Store store;
    private final Account account;
    private final Ids ids;
    private final Clock clock;

    private final TaskPorts taskPorts;
    private final Capacity capacity;
    private final RepeatedLog unplaced;
    private final SubnetNetworks networks;

    public Launcher(Store store, Account account, Ids ids, Clock clock) {
        this(store, account, ids, clock, SubnetNetworks.DEFAULT);
    }

    /** A launcher whose awsvpc tasks' subnets map to engine networks as {@code networks} says. */
    public Launcher(Store store, Account account, Ids ids, Clock clock, SubnetNetworks networks) {
        this.networks = networks;
        this.store = store;
        this.account = account;
        this.ids = ids;
        this.clock = clock;
        this.taskPorts = new TaskPorts(store);
        this.capacity = new Capacity(store);
        this.unplaced = new RepeatedLog(LOG, clock, Duration.ofMinutes(5));
    }

    /** How awsvpc tasks' subnets map to engine networks. */
    public SubnetNetworks networks() {
        return networks;
    }

    public Launched launch(Launch l, int count) {
        return launch(l, count, null, List.of());
    }

    /**
     * As {@link #launch(Launch, int)} for RunTask: claims its client token (null: none) and gives the tasks
     * {@code tags}, both in the transaction that inserts them; a service's tasks get what its
     * {@code propagateTags} says.
     *
     * @throws ClientTokenClaim.TakenException when another call claimed the token first (no task was created)
     */
    public Launched launch(Launch l, int count, ClientTokenClaim claim, List<Tags.Tag> tags) {
        TaskDefinition td = l.taskDefinition().definition();
        Demand demand = Demand.of(td);
        // Placement reads free capacity, then writes tasks: one placement at a time per cluster, in this
        // process and (on a shared PostgreSQL store) across replicas.
        // (the store's shared lock is per cluster, in this process as well: one cluster never waits on another's)
        return store.withSharedLock("placement/" + l.cluster(), () -> place(l, td, demand, count, claim, tags));
    }

    private Launched place(
            Launch l, TaskDefinition td, Demand demand, int count, ClientTokenClaim claim, List<Tags.Tag> tags) {
        List<InstanceRow> active = store.instances().active(l.cluster());
        // a task on an instance that is not ACTIVE (draining) is being replaced: it does not hold its provider's share
        Set<String> activeArns = active.stream().map(InstanceRow::arn).collect(Collectors.toSet());
        if (l.targetInstances() != null) {
            active = active.stream()
                    .filter(i -> l.targetInstances().contains(i.arn()))
                    .toList();
        }
        List<TaskRow> live = new ArrayList<>(store.tasks().liveInCluster(l.cluster()));
        // subnets continue round-robin from the group's live tasks, not counting this launch's reservations
        NetworkInterfaces interfaces = new NetworkInterfaces(l, td, live, ids, networks);
        List<Placed> placedTasks = new ArrayList<>();
        String failure = null;
        for (Capacity.Share share : capacity.shares(
                l.cluster(), l.spec(), l.group(), l.deploymentId(), count, live, activeArns::contains)) {
            List<InstanceRow> pool = active.stream().filter(share.pool()).toList();
            if (pool.isEmpty()
                    && !active.isEmpty()
                    && share.count() > 0
                    && (share.launchType() == LaunchType.FARGATE || share.capacityProviderName() != null)) {
                failure = failure == null ? capacity.emptyPoolReason(l.cluster(), share) : failure;
                continue;
            }
            Placement.Result r = Placement.place(new Placement.Request(
                    pool,
                    live,
                    taskPorts::of,
                    demand,
                    share.count(),
                    l.group(),
                    constraints(l),
                    l.spec().placementStrategy()));
            TaskLaunch how = new TaskLaunch(
                    share.launchType(),
                    share.capacityProviderName(),
                    share.launchType() == LaunchType.FARGATE
                            ? PlatformVersions.concrete(l.spec().platformVersion())
                                    .orElse(PlatformVersions.CURRENT)
                            : null,
                    null);
            for (String i : r.instanceArns()) {
                placedTasks.add(new Placed(i, how));
                live.add(reservation(l, demand, i, how)); // later shares see what this one took
            }
            failure = failure == null ? r.failureReason() : failure;
        }
        Placement.Result placed =
                new Placement.Result(placedTasks.stream().map(Placed::instance).toList(), failure);
        List<TaskRow> tasks = new ArrayList<>();
        long now = clock.millis();
        for (Placed p : placedTasks) {
            String instance = p.instance();
            String id = ids.hex32();
            String taskArn = account.taskArn(l.cluster(), id);
            List<TaskRow.ContainerRow> containers = new ArrayList<>();
            for (ContainerDefinition c : td.containers()) {
                String name = c.name();
                String image = c.image();
                String launchImage = l.containers().stream()
                        .filter(r -> r.containerName().equals(name))
                        .findFirst()
                        .map(ContainerResolution::launchImage)
                        .orElse(image);
                containers.add(new TaskRow.ContainerRow(
                        name,
                        account.ecsArnPrefix() + "container/" + l.cluster() + "/" + id + "/"
                                + ids.hex32().substring(0, 8) + "-" + name,
                        image,
                        launchImage,
                        null,
                        ContainerStatus.PENDING.wire(),
                        null,
                        null,
                        null,
                        c.essential(),
                        c.credentialsParameter(),
                        c.hasHealthCheck() ? HealthStatus.UNKNOWN.wire() : null));
            }
            tasks.add(new TaskRow(
                    taskArn,
                    l.cluster(),
                    l.clusterArn(),
                    l.taskDefinition().arn(),
                    l.serviceArn(),
                    l.deploymentId(),
                    l.startedBy(),
                    l.group(),
                    instance,
                    DesiredStatus.RUNNING.wire(),
                    TaskStatus.PROVISIONING.wire(),
                    containers,
                    null,
                    null,
                    l.clientToken(),
                    demand.cpu(),
                    demand.memory(),
                    now,
                    null,
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    interfaces.next(p.launch())));
        }
        if (!tasks.isEmpty()) {
            store.tasks().insertAll(tasks, claim, l.serviceArn() == null ? tags : propagatedTags(l));
            LOG.info(
                    "placement: {} of {} task(s) of {} ({}) placed on {}",
                    tasks.size(),
                    count,
                    l.group(),
                    l.taskDefinition().arn(),
                    placed.instanceArns().stream()
                            .distinct()
                            .map(a -> a.substring(a.lastIndexOf('/') + 1))
                            .toList());
        }
        if (placed.failureReason() != null) {
            // retried on every pass while nothing fits: one line per reason, then a count every 5 minutes
            unplaced.info(
                    l.cluster() + "|" + l.group(),
                    "placement: " + (count - tasks.size()) + " task(s) of " + l.group() + " in cluster " + l.cluster()
                            + " not placed: " + placed.failureReason());
        } else {
            unplaced.clear(l.cluster() + "|" + l.group());
        }
        return new Launched(tasks, placed.failureReason());
    }

    private record Placed(String instance, TaskLaunch launch) {}

    /** A task just placed, as later shares of the same launch see it: its reservation on its instance. */
    private static TaskRow reservation(Launch l, Demand demand, String instance, TaskLaunch how) {
        return new TaskRow(
                        "placed-by-this-launch",
                        l.cluster(),
                        l.clusterArn(),
                        l.taskDefinition().arn(),
                        l.serviceArn(),
                        l.deploymentId(),
                        l.startedBy(),
                        l.group(),
                        instance,
                        DesiredStatus.RUNNING.wire(),
                        TaskStatus.PROVISIONING.wire(),
                        List.of(),
                        null,
                        null,
                        null,
                        demand.cpu(),
                        demand.memory(),
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0)
                .withLaunch(how);
    }

    /** The task definition's {@code placementConstraints} (memberOf), then the launch's own, all of which apply. */
    private static List<PlacementConstraint> constraints(Launch l) {
        List<PlacementConstraint> all = new ArrayList<>(
                ModelJson.placementConstraints(l.taskDefinition().doc()));
        all.addAll(l.spec().placementConstraints());
        return all;
    }

    /**
     * The tags a service's tasks get at launch, as its {@code propagateTags} says: the service's own
     * (SERVICE) or its task definition revision's (TASK_DEFINITION); none for NONE and for RunTask's tasks
     * (RunTask tags its tasks itself).
     */
    private List<Tags.Tag> propagatedTags(Launch l) {
        if (l.serviceArn() == null) {
            return List.of();
        }
        String propagate = store.services()
                .find(l.serviceArn())
                .map(v -> v.value().spec().path("propagateTags").asText("NONE"))
                .orElse("NONE");
        return switch (propagate) {
            case "SERVICE" -> store.tags().list(l.serviceArn());
            case "TASK_DEFINITION" -> store.tags().list(l.taskDefinition().arn());
            default -> List.of();
        };
    }
}
