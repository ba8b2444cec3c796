package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.CompareAndSet;
import dev.ballast.core.ModelJson;
import dev.ballast.core.Names;
import dev.ballast.deploy.Deployer;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.schedule.PlatformVersions;
import dev.ballast.schedule.SubnetNetworks;
import dev.ballast.store.Cas;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * CreateService, UpdateService, DescribeServices, ListServices, DeleteService. Creating a service or
 * updating it with a new task definition or {@code forceNewDeployment} creates a deployment whose
 * images the reconciler resolves before any of its tasks launch.
 */
final class ServiceOperations {
    /** Members of CreateService echoed as the service's configuration. */
    private static final Set<String> SPEC = Set.of(
            "loadBalancers",
            "serviceRegistries",
            "launchType",
            "capacityProviderStrategy",
            "platformVersion",
            "role",
            "deploymentConfiguration",
            "placementConstraints",
            "placementStrategy",
            "networkConfiguration",
            "healthCheckGracePeriodSeconds",
            "schedulingStrategy",
            "deploymentController",
            "enableECSManagedTags",
            "propagateTags",
            "enableExecuteCommand",
            "availabilityZoneRebalancing");

    private final Store store;
    private final Account account;
    private final ClusterOperations clusters;
    private final TaskDefinitionOperations taskDefinitions;
    private final Deployer deployer;
    private final ServiceDocs docs;
    private final Clock clock;
    private final Runnable wake;
    private final SubnetNetworks networks;

    ServiceOperations(
            Store store,
            Account account,
            ClusterOperations clusters,
            TaskDefinitionOperations taskDefinitions,
            Deployer deployer,
            Clock clock,
            Runnable wake,
            SubnetNetworks networks) {
        this.networks = networks;
        this.store = store;
        this.account = account;
        this.clusters = clusters;
        this.taskDefinitions = taskDefinitions;
        this.deployer = deployer;
        this.docs = new ServiceDocs(store);
        this.clock = clock;
        this.wake = wake;
    }

    void register(Map<String, Operation> ops) {
        ops.put("CreateService", (in, call) -> create(in));
        ops.put("UpdateService", (in, call) -> update(in));
        ops.put("DescribeServices", (in, call) -> describe(in));
        ops.put("ListServices", (in, call) -> list(in));
        ops.put("DeleteService", (in, call) -> delete(in));
    }

    private JsonNode create(ObjectNode in) {
        SchedulingStrategy strategy = DaemonRules.checkCreate(in);
        Unserved.check("CreateService", in);
        PlacementChecks.check(in);
        ClusterRecord cluster = clusters.active(
                Optional.ofNullable(Params.string(in, "cluster")).orElse(ClusterOperations.DEFAULT_CLUSTER));
        String name = Params.required(in, "serviceName");
        if (!Names.isValid(name)) {
            throw AwsException.invalidParameter("Invalid 'serviceName' '" + ShapeValidator.clip(name)
                    + "': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }
        TaskDefinitionRecord td = activeTaskDefinition(Params.required(in, "taskDefinition"));
        Unserved.checkTaskDefinition("CreateService", in, td.definition());
        CapacityStrategies.applyToRequest(cluster, in);
        LaunchSpec launch = LaunchChecks.check(in, td.definition(), cluster.name(), networks);
        if (strategy == SchedulingStrategy.REPLICA && !in.has("desiredCount")) {
            throw AwsException.invalidParameter(
                    "Missing required parameter 'desiredCount' (required for the REPLICA scheduling strategy).");
        }
        // a DAEMON service's desiredCount follows its eligible instances (the controller writes it)
        int desired = strategy == SchedulingStrategy.DAEMON ? 0 : desiredCount(in);
        String token = Params.string(in, "clientToken");
        if (token != null && token.length() > 36) {
            throw AwsException.invalidParameter("'clientToken' must be at most 36 characters.");
        }
        ObjectNode spec = Json.object();
        SPEC.forEach(m -> {
            if (in.has(m)) {
                spec.set(m, in.get(m));
            }
        });
        if (!spec.has(CapacityStrategies.STRATEGY)) {
            spec.put("launchType", spec.path("launchType").asText(LaunchType.EC2.wire()));
        }
        if (launch.effectiveLaunchType() == LaunchType.FARGATE && !spec.hasNonNull("platformVersion")) {
            spec.put("platformVersion", PlatformVersions.LATEST); // as ECS shows a FARGATE service's
        }
        spec.put("schedulingStrategy", strategy.wire());
        spec.set(
                "deploymentConfiguration",
                deploymentConfiguration(in.path("deploymentConfiguration"), DaemonRules.baseConfiguration(strategy)));
        spec.putObject("deploymentController").put("type", "ECS");
        spec.put("enableECSManagedTags", spec.path("enableECSManagedTags").asBoolean(false));
        spec.put("enableExecuteCommand", spec.path("enableExecuteCommand").asBoolean(false));
        spec.put("propagateTags", spec.path("propagateTags").asText("NONE"));
        for (String list :
                new String[] {"loadBalancers", "serviceRegistries", "placementConstraints", "placementStrategy"}) {
            if (!spec.has(list)) {
                spec.putArray(list);
            }
        }
        spec.put("createdBy", account.rootPrincipalArn());
        var tags = Params.tags(in.path("tags"), "tags");
        ServiceRow service = new ServiceRow(
                account.serviceArn(cluster.name(), name),
                cluster.name(),
                cluster.arn(),
                name,
                ServiceStatus.ACTIVE.wire(),
                desired,
                td.arn(),
                spec,
                token,
                clock.millis(),
                false);
        RevisionRow revision = deployer.newRevision(service);
        DeploymentRow deployment = deployer.newDeployment(service, revision, null, null);
        Versioned<ServiceRow> stored = store.services().create(service, revision, deployment, tags);
        if (stored.value() != service) {
            boolean sameRequest = token != null && token.equals(stored.value().clientToken());
            if (!sameRequest) {
                throw AwsException.invalidParameter("Creation of service was not idempotent: a service named '" + name
                        + "' already exists in cluster '" + cluster.name() + "'.");
            }
            return Json.object().set("service", docs.service(stored.value(), false));
        }
        wake.run();
        return Json.object().set("service", docs.service(service, false));
    }

    private JsonNode update(ObjectNode in) {
        Unserved.check("UpdateService", in);
        PlacementChecks.check(in);
        boolean force = Params.bool(in, "forceNewDeployment");
        ServiceRow written;
        try {
            written = Cas.update(
                            () -> Optional.of(find(in.path("cluster").asText(null), Params.required(in, "service"))),
                            s -> Optional.of(updated(in, s)),
                            (read, updated) -> {
                                ServiceRow s = read.value();
                                boolean newDeployment =
                                        !updated.taskDefinitionArn().equals(s.taskDefinitionArn())
                                                || force
                                                || networkChanged(s, updated);
                                if (!newDeployment) {
                                    return store.services().update(updated, read.version());
                                }
                                String source = deployer.primaryRevision(s.arn());
                                RevisionRow revision = deployer.newRevision(updated);
                                boolean ok = store.services()
                                        .updateWithDeployment(
                                                updated,
                                                read.version(),
                                                revision,
                                                deployer.newDeployment(updated, revision, source, null));
                                if (ok) {
                                    deployer.demoteOldPrimaries(s.arn(), revision.arn());
                                }
                                return ok;
                            },
                            5)
                    .orElseThrow();
        } catch (CompareAndSet.ConflictException e) {
            throw new AwsException(
                    "UpdateInProgressException", 400, "The service is being updated concurrently; retry the request.");
        }
        wake.run();
        return Json.object()
                .set(
                        "service",
                        docs.service(
                                store.services()
                                        .find(written.arn())
                                        .orElseThrow()
                                        .value(),
                                false));
    }

    /** The service with UpdateService's request applied; refuses a service that is not ACTIVE. */
    private ServiceRow updated(ObjectNode in, ServiceRow s) {
        if (!s.status().equals(ServiceStatus.ACTIVE.wire())) {
            throw new AwsException("ServiceNotActiveException", 400, "Service was not ACTIVE.");
        }
        DaemonRules.checkUpdate(in, s);
        ObjectNode spec = s.spec().deepCopy();
        if (in.has("deploymentConfiguration")) {
            spec.set("deploymentConfiguration", deploymentConfiguration(in.get("deploymentConfiguration"), (ObjectNode)
                    spec.path("deploymentConfiguration")));
        }
        for (String m : new String[] {
            "networkConfiguration",
            "placementConstraints",
            "placementStrategy",
            "healthCheckGracePeriodSeconds",
            "enableExecuteCommand",
            "enableECSManagedTags",
            "propagateTags",
            "loadBalancers",
            "serviceRegistries",
            "capacityProviderStrategy",
            "platformVersion"
        }) {
            if (in.has(m)) {
                spec.set(m, in.get(m));
            }
        }
        CapacityStrategies.applyToUpdate(clusters.active(s.cluster()), in, spec);
        String tdArn = s.taskDefinitionArn();
        TaskDefinitionRecord td = in.has("taskDefinition")
                ? activeTaskDefinition(in.get("taskDefinition").asText())
                : null;
        Unserved.checkTaskDefinition("UpdateService", in, td == null ? null : td.definition());
        TaskDefinitionRecord launching =
                td != null ? td : taskDefinitions.find(tdArn, true).orElse(null);
        if (launching != null) {
            LaunchChecks.check(spec, launching.definition(), s.cluster(), networks);
        }
        if (td != null) {
            tdArn = td.arn();
        }
        boolean newDeployment = !tdArn.equals(s.taskDefinitionArn()) || Params.bool(in, "forceNewDeployment");
        if (newDeployment && !in.has("taskDefinition")) {
            taskDefinitions.find(tdArn, true).ifPresent(taskDefinitions::checkRegistries);
        }
        ServiceRow updated = s.withTaskDefinition(tdArn, spec);
        if (in.has("desiredCount")) {
            updated = updated.withDesired(desiredCount(in));
        }
        return updated;
    }

    /**
     * Whether UpdateService changed how tasks are networked or on which platform they run ({@code networkConfiguration},
     * {@code platformVersion}): as on ECS, the running tasks are replaced by a new deployment.
     */
    private static boolean networkChanged(ServiceRow before, ServiceRow after) {
        for (String m : new String[] {"networkConfiguration", "platformVersion"}) {
            if (!before.spec().path(m).equals(after.spec().path(m))) {
                return true;
            }
        }
        return false;
    }

    /** The new deployment is PRIMARY; the previous ones keep their tasks as ACTIVE until drained. */
    private JsonNode describe(ObjectNode in) {
        List<String> refs = Params.strings(in, "services");
        if (refs.isEmpty() || refs.size() > 10) {
            throw AwsException.invalidParameter(
                    "'services' must name between 1 and 10 services, got " + refs.size() + ".");
        }
        ClusterRecord cluster = clusters.active(
                Optional.ofNullable(Params.string(in, "cluster")).orElse(ClusterOperations.DEFAULT_CLUSTER));
        boolean tags = Params.strings(in, "include").contains("TAGS");
        ArrayNode services = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : refs) {
            Optional<ServiceRow> s = lookup(cluster, ref);
            if (s.isPresent()) {
                services.add(docs.described(s.get(), tags));
            } else {
                // ECS answers a missing name with the short (cluster-less) service ARN
                failures.addObject()
                        .put("arn", ref.startsWith("arn:") ? ref : account.ecsArnPrefix() + "service/" + ref)
                        .put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("services", services);
        out.set("failures", failures);
        return out;
    }

    private JsonNode list(ObjectNode in) {
        ClusterRecord cluster = clusters.active(
                Optional.ofNullable(Params.string(in, "cluster")).orElse(ClusterOperations.DEFAULT_CLUSTER));
        int max = Pagination.maxResults(in, 100, 10);
        JsonNode after = Pagination.after(in, "ListServices");
        List<ServiceRow> rows = store.services()
                .list(cluster.name(), after == null ? null : after.path("name").asText(), max + 1);
        String launchType = Params.string(in, "launchType");
        String strategy = Params.string(in, "schedulingStrategy");
        ObjectNode out = Json.object();
        out.set(
                "serviceArns",
                Params.array(rows.stream()
                        .limit(max)
                        .filter(s -> launchType == null
                                || launchType.equals(
                                        ModelJson.serviceLaunchType(s.spec()).wire()))
                        .filter(s -> strategy == null
                                || strategy.equals(
                                        ModelJson.schedulingStrategy(s.spec()).wire()))
                        .map(ServiceRow::arn)
                        .toList()));
        if (rows.size() > max) {
            out.put(
                    "nextToken",
                    Pagination.token(
                            "ListServices",
                            Json.object().put("name", rows.get(max - 1).name())));
        }
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        Versioned<ServiceRow> current = find(in.path("cluster").asText(null), Params.required(in, "service"));
        ServiceRow s = current.value();
        if (!s.status().equals(ServiceStatus.ACTIVE.wire())) {
            throw new AwsException("ServiceNotActiveException", 400, "Service was not ACTIVE.");
        }
        boolean force = Params.bool(in, "force");
        boolean daemon = ModelJson.schedulingStrategy(s.spec()) == SchedulingStrategy.DAEMON;
        if (s.desiredCount() > 0 && !force && !daemon) { // a DAEMON service cannot be scaled to 0 first
            throw AwsException.invalidParameter("The service cannot be stopped while it is scaled above 0.");
        }
        if (!store.services().update(s.deleting(force), current.version())) {
            throw new AwsException(
                    "UpdateInProgressException", 400, "The service is being updated concurrently; retry the request.");
        }
        // read before waking the controller: a service with no tasks may be INACTIVE a moment later
        JsonNode out = Json.object()
                .set(
                        "service",
                        docs.service(
                                store.services().find(s.arn()).orElseThrow().value(), false));
        wake.run();
        return out;
    }

    Versioned<ServiceRow> find(String clusterRef, String serviceRef) {
        ClusterRecord cluster = clusters.active(clusterRef == null ? ClusterOperations.DEFAULT_CLUSTER : clusterRef);
        String name =
                serviceRef.startsWith("arn:") ? serviceRef.substring(serviceRef.lastIndexOf('/') + 1) : serviceRef;
        if (serviceRef.startsWith("arn:") && !serviceRef.equals(account.serviceArn(cluster.name(), name))) {
            throw new AwsException("ServiceNotFoundException", 400, "Service not found.");
        }
        return store.services()
                .live(cluster.name(), name)
                .orElseThrow(() -> new AwsException("ServiceNotFoundException", 400, "Service not found."));
    }

    private Optional<ServiceRow> lookup(ClusterRecord cluster, String ref) {
        String name = ref.startsWith("arn:") ? ref.substring(ref.lastIndexOf('/') + 1) : ref;
        if (ref.startsWith("arn:") && !ref.equals(account.serviceArn(cluster.name(), name))) {
            return Optional.empty();
        }
        Optional<ServiceRow> live = store.services().live(cluster.name(), name).map(Versioned::value);
        return live.isPresent()
                ? live
                : store.services()
                        .find(account.serviceArn(cluster.name(), name))
                        .map(Versioned::value);
    }

    private TaskDefinitionRecord activeTaskDefinition(String ref) {
        TaskDefinitionRecord td = taskDefinitions
                .find(ref, true)
                .orElseThrow(() -> AwsException.client("TaskDefinition not found: " + ShapeValidator.clip(ref) + "."));
        if (!td.status().equals(TaskDefinitionStatus.ACTIVE.wire())) {
            throw AwsException.client("TaskDefinition is inactive: " + td.arn() + ".");
        }
        taskDefinitions.checkRegistries(td);
        return td;
    }

    private static int desiredCount(ObjectNode in) {
        int desired = in.path("desiredCount").asInt();
        if (desired < 0 || desired > 5000) {
            throw AwsException.invalidParameter("'desiredCount' must be between 0 and 5000, got " + desired + ".");
        }
        return desired;
    }

    /** Merges a requested deploymentConfiguration over the current one, with ECS's defaults, and checks it. */
    private static ObjectNode deploymentConfiguration(JsonNode requested, ObjectNode current) {
        ObjectNode c = current.deepCopy();
        requested.properties().forEach(e -> c.set(e.getKey(), e.getValue()));
        DeploymentConfiguration typed = ModelJson.deploymentConfiguration(c);
        int max = typed.maximumPercent();
        int min = typed.minimumHealthyPercent();
        if (min < 0 || min > 100) {
            throw AwsException.invalidParameter(
                    "'deploymentConfiguration.minimumHealthyPercent' must be between 0 and 100, got " + min + ".");
        }
        if (max < 100 || max > 2000) {
            throw AwsException.invalidParameter(
                    "'deploymentConfiguration.maximumPercent' must be between 100 and 2000, got " + max + ".");
        }
        if (min == 100 && max == 100) {
            throw AwsException.invalidParameter(
                    "'deploymentConfiguration' with minimumHealthyPercent 100 and maximumPercent 100 "
                            + "leaves no room to replace tasks.");
        }
        c.put("maximumPercent", max);
        c.put("minimumHealthyPercent", min);
        if (!c.has("deploymentCircuitBreaker")) {
            c.putObject("deploymentCircuitBreaker")
                    .put("enable", typed.circuitBreaker().enable())
                    .put("rollback", typed.circuitBreaker().rollback());
        }
        return c;
    }
}
