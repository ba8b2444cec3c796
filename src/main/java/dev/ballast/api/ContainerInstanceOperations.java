package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.CompareAndSet;
import dev.ballast.core.HostPorts;
import dev.ballast.core.Ids;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.StopCode;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.schedule.TaskPorts;
import dev.ballast.store.Cas;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * RegisterContainerInstance, DeregisterContainerInstance, DescribeContainerInstances, ListContainerInstances
 * and UpdateContainerInstancesState (ECS API reference). A registration with {@code containerInstanceArn}
 * is a re-registration of that instance (an agent restarting keeps its ARN and its tasks). DRAINING
 * instances get no new tasks, and the service scheduler moves their service tasks elsewhere.
 */
final class ContainerInstanceOperations {
    /** Resources registered when an agent sends none: the embedded agents' defaults. */
    static final int DEFAULT_CPU = 2048;

    static final int DEFAULT_MEMORY = 4096;
    static final String DEREGISTERED_REASON = "Task stopped because its container instance was deregistered";

    private final Store store;
    private final Account account;
    private final ClusterOperations clusters;
    private final Clock clock;
    private final Ids ids = new Ids();
    private final Runnable wakeControllers;
    private final TaskPorts taskPorts;

    ContainerInstanceOperations(
            Store store, Account account, ClusterOperations clusters, Clock clock, Runnable wakeControllers) {
        this.store = store;
        this.account = account;
        this.clusters = clusters;
        this.clock = clock;
        this.wakeControllers = wakeControllers;
        this.taskPorts = new TaskPorts(store);
    }

    void register(Map<String, Operation> ops) {
        ops.put("RegisterContainerInstance", (in, call) -> registerInstance(in));
        ops.put("DeregisterContainerInstance", (in, call) -> deregister(in));
        ops.put("DescribeContainerInstances", (in, call) -> describe(in));
        ops.put("ListContainerInstances", (in, call) -> list(in));
        ops.put("UpdateContainerInstancesState", (in, call) -> updateState(in));
    }

    ClusterRecord cluster(ObjectNode in) {
        return cluster(Params.string(in, "cluster"));
    }

    ClusterRecord cluster(String ref) {
        return clusters.active(Optional.ofNullable(ref).orElse(ClusterOperations.DEFAULT_CLUSTER));
    }

    String taskArn(ClusterRecord cluster, String ref) {
        return ref.startsWith("arn:") ? ref : account.taskArn(cluster.name(), ref);
    }

    String instanceArn(ClusterRecord cluster, String ref) {
        return ref.startsWith("arn:") ? ref : account.containerInstanceArn(cluster.name(), ref);
    }

    /** The instance {@code ref} names in {@code cluster}, or InvalidParameterException. */
    Versioned<InstanceRow> find(ClusterRecord cluster, String ref) {
        return find(cluster, ref, store.instances()::find);
    }

    /** As {@link #find(ClusterRecord, String)}, looking the instance up by ARN with {@code lookup}. */
    Versioned<InstanceRow> find(
            ClusterRecord cluster, String ref, Function<String, Optional<Versioned<InstanceRow>>> lookup) {
        return lookup.apply(instanceArn(cluster, ref))
                .filter(v -> v.value().cluster().equals(cluster.name()))
                .orElseThrow(() -> AwsException.invalidParameter("Container instance not found in cluster "
                        + cluster.name() + ": " + ShapeValidator.clip(ref) + "."));
    }

    private JsonNode registerInstance(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        int cpu = DEFAULT_CPU;
        int memory = DEFAULT_MEMORY;
        List<Integer> tcp = null;
        List<Integer> udp = null;
        for (JsonNode r : in.path("totalResources")) {
            String name = r.path("name").asText("");
            long value = r.has("integerValue")
                    ? r.get("integerValue").asLong()
                    : r.has("longValue")
                            ? r.get("longValue").asLong()
                            : (long) r.path("doubleValue").asDouble(-1);
            if (name.equals("PORTS")) {
                tcp = ports(r, name);
                continue;
            }
            if (name.equals("PORTS_UDP")) {
                udp = ports(r, name);
                continue;
            }
            if (!name.equals("CPU") && !name.equals("MEMORY")) {
                continue; // GPU and others: accepted, not used for placement
            }
            if (value < 1 || value > Integer.MAX_VALUE) {
                throw AwsException.invalidParameter(
                        "'totalResources' " + name + " must be a positive integer, got " + value + ".");
            }
            if (name.equals("CPU")) {
                cpu = (int) value;
            } else {
                memory = (int) value;
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (JsonNode a : in.path("attributes")) {
            String name = a.path("name").asText("");
            if (name.isEmpty() || name.length() > 128) {
                throw AwsException.invalidParameter("Each attribute needs a 'name' of 1 to 128 characters.");
            }
            attributes.put(name, a.path("value").asText(null));
        }
        // An agent that registers no PORTS reserves what the ECS agent reserves by default.
        HostPorts reserved = tcp == null && udp == null ? null : new HostPorts(tcp, udp);
        String agentVersion = in.path("versionInfo").path("agentVersion").asText(null);
        List<Tags.Tag> tags = Params.tags(in.path("tags"), "tags");
        long now = clock.millis();
        String existingRef = Params.string(in, "containerInstanceArn");
        Versioned<InstanceRow> written;
        if (existingRef != null) {
            written = reRegister(cluster, existingRef, cpu, memory, reserved, attributes, agentVersion, now);
        } else {
            String id = ids.hex32();
            InstanceRow row = new InstanceRow(
                            account.containerInstanceArn(cluster.name(), id),
                            cluster.name(),
                            cluster.arn(),
                            ec2InstanceId(Params.string(in, "instanceIdentityDocument"), id),
                            ContainerInstanceStatus.ACTIVE.wire(),
                            true,
                            cpu,
                            memory,
                            attributes,
                            agentVersion,
                            now)
                    .withReservedPorts(reserved);
            store.instances().insert(row, tags); // a new instance: its tags in the same transaction
            written = store.instances().find(row.arn()).orElseThrow();
        }
        if (existingRef != null
                && !tags.isEmpty()
                && !store.tags().put(written.value().arn(), tags, 50)) {
            throw AwsException.invalidParameter("A container instance can have at most 50 tags.");
        }
        wakeControllers.run();
        return Json.object()
                .set("containerInstance", InstanceDocs.instance(written, !tags.isEmpty(), store, taskPorts));
    }

    private Versioned<InstanceRow> reRegister(
            ClusterRecord cluster,
            String ref,
            int cpu,
            int memory,
            HostPorts reserved,
            Map<String, String> attributes,
            String agentVersion,
            long now) {
        try {
            InstanceRow written = Cas.update(
                            () -> Optional.of(find(cluster, ref)),
                            i -> {
                                if (i.status().equals(ContainerInstanceStatus.INACTIVE.wire())) {
                                    throw AwsException.invalidParameter(
                                            "Container instance " + i.arn()
                                                    + " was deregistered; register it without 'containerInstanceArn' to get a new one.");
                                }
                                return Optional.of(i.reRegistered(cpu, memory, attributes, agentVersion, now)
                                        .withReservedPorts(reserved));
                            },
                            (read, changed) -> store.instances().update(changed, read.version()),
                            10)
                    .orElseThrow();
            return store.instances().find(written.arn()).orElseThrow();
        } catch (CompareAndSet.ConflictException e) {
            throw AwsException.contended("Container instance " + ref);
        }
    }

    /** The ports of a {@code PORTS} or {@code PORTS_UDP} resource: its {@code stringSetValue}, each 1-65535. */
    private static List<Integer> ports(JsonNode resource, String name) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode p : resource.path("stringSetValue")) {
            String text = p.asText("");
            int port = text.matches("\\d{1,5}") ? Integer.parseInt(text) : -1;
            if (port < 1 || port > 65535) {
                throw AwsException.invalidParameter("'totalResources' " + name
                        + " must list ports 1-65535 as strings, got '" + ShapeValidator.clip(text) + "'.");
            }
            ports.add(port);
        }
        return ports;
    }

    /** The EC2 instance id from an identity document ({@code {"instanceId": …}}), else one derived from the ARN id. */
    private static String ec2InstanceId(String identityDocument, String id) {
        if (identityDocument != null && !identityDocument.isBlank()) {
            try {
                JsonNode doc = Json.mapper().readTree(identityDocument);
                if (doc.path("instanceId").isTextual()) {
                    return doc.get("instanceId").asText();
                }
            } catch (IOException e) {
                throw AwsException.invalidParameter("'instanceIdentityDocument' is not a JSON document.");
            }
        }
        return "i-" + id.substring(0, 17);
    }

    private JsonNode deregister(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        Versioned<InstanceRow> v = find(cluster, Params.required(in, "containerInstance"));
        boolean force = Params.bool(in, "force");
        List<Versioned<TaskRow>> live = store.tasks().forInstance(v.value().arn());
        if (!live.isEmpty() && !force) {
            throw AwsException.invalidParameter("Found running tasks on the instance (" + live.size()
                    + "); stop them first or deregister with 'force'.");
        }
        long now = clock.millis();
        String arn = v.value().arn();
        try { // the instance first: a lost race leaves nothing written, and nothing is placed on it meanwhile
            Cas.update(
                    () -> store.instances().find(arn),
                    i -> i.status().equals(ContainerInstanceStatus.INACTIVE.wire())
                            ? Optional.empty()
                            : Optional.of(i.withStatus(ContainerInstanceStatus.INACTIVE.wire(), "Deregistered")),
                    (read, changed) -> store.instances().update(changed, read.version()),
                    10);
        } catch (CompareAndSet.ConflictException e) {
            throw AwsException.contended("Container instance " + arn);
        }
        for (Versioned<TaskRow> t : live) {
            store.tasks()
                    .update(
                            InstanceHealth.stoppedWithoutAgent(
                                    t.value(), StopCode.SERVICE_SCHEDULER_INITIATED.wire(), DEREGISTERED_REASON, now),
                            t.version());
        }
        wakeControllers.run();
        return Json.object()
                .set(
                        "containerInstance",
                        InstanceDocs.instance(store.instances().find(arn).orElseThrow(), false, store, taskPorts));
    }

    private JsonNode describe(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        List<String> refs = Params.strings(in, "containerInstances");
        if (refs.isEmpty() || refs.size() > 100) {
            throw AwsException.invalidParameter(
                    "'containerInstances' must name between 1 and 100 instances, got " + refs.size() + ".");
        }
        boolean tags = Params.strings(in, "include").contains("TAGS");
        ArrayNode found = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : refs) {
            String arn = instanceArn(cluster, ref);
            Optional<Versioned<InstanceRow>> v =
                    store.instances().find(arn).filter(i -> i.value().cluster().equals(cluster.name()));
            if (v.isPresent()) {
                found.add(InstanceDocs.instance(v.get(), tags, store, taskPorts));
            } else {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("containerInstances", found);
        out.set("failures", failures);
        return out;
    }

    private JsonNode list(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        int max = Pagination.maxResults(in, 100, 100);
        JsonNode after = Pagination.after(in, "ListContainerInstances");
        String filter = Params.string(in, "filter");
        List<InstanceRow> rows = filter == null
                ? store.instances()
                        .list(
                                cluster.name(),
                                Params.string(in, "status"),
                                after == null ? null : after.path("arn").asText(),
                                max + 1)
                : InstanceFilter.matching(store, cluster.name(), Params.string(in, "status"), filter, after, max + 1);
        ObjectNode out = Json.object();
        out.set(
                "containerInstanceArns",
                Params.array(rows.stream().limit(max).map(InstanceRow::arn).toList()));
        if (rows.size() > max) {
            out.put(
                    "nextToken",
                    Pagination.token(
                            "ListContainerInstances",
                            Json.object().put("arn", rows.get(max - 1).arn())));
        }
        return out;
    }

    private JsonNode updateState(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        String status = Params.required(in, "status");
        if (!status.equals(ContainerInstanceStatus.ACTIVE.wire())
                && !status.equals(ContainerInstanceStatus.DRAINING.wire())) {
            throw AwsException.invalidParameter(
                    "Container instances can only be set to ACTIVE or DRAINING, not " + status + ".");
        }
        List<String> refs = Params.strings(in, "containerInstances");
        if (refs.isEmpty() || refs.size() > 10) {
            throw AwsException.invalidParameter(
                    "'containerInstances' must name between 1 and 10 instances, got " + refs.size() + ".");
        }
        ArrayNode done = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : refs) {
            String arn = instanceArn(cluster, ref);
            Optional<Versioned<InstanceRow>> v =
                    store.instances().find(arn).filter(i -> i.value().cluster().equals(cluster.name()));
            if (v.isEmpty() || v.get().value().status().equals(ContainerInstanceStatus.INACTIVE.wire())) {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
                continue;
            }
            try {
                Cas.update(
                        () -> store.instances().find(arn),
                        i -> i.status().equals(status) ? Optional.empty() : Optional.of(i.withStatus(status, null)),
                        (read, changed) -> store.instances().update(changed, read.version()),
                        10);
            } catch (CompareAndSet.ConflictException e) {
                throw AwsException.contended("Container instance " + arn);
            }
            done.add(InstanceDocs.instance(store.instances().find(arn).orElseThrow(), false, store, taskPorts));
        }
        wakeControllers.run();
        ObjectNode out = Json.object();
        out.set("containerInstances", done);
        out.set("failures", failures);
        return out;
    }
}
