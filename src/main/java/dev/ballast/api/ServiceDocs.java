package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.ModelJson;
import dev.ballast.deploy.Deployer;
import dev.ballast.lifecycle.DriftView;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.LaunchType;
import dev.ballast.model.RolloutState;
import dev.ballast.schedule.PlatformVersions;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.Events;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRows;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Map;

/** Renders services, deployments, revisions and service deployments as the ECS shapes. */
final class ServiceDocs {
    private final Store store;

    ServiceDocs(Store store) {
        this.store = store;
    }

    /** The ECS service shape, as CreateService, UpdateService and DeleteService answer it. */
    ObjectNode service(ServiceRow s, boolean tags) {
        return service(s, tags, false);
    }

    /** The service as DescribeServices answers it: with the Ballast extension member {@code imageDrift}. */
    ObjectNode described(ServiceRow s, boolean tags) {
        return service(s, tags, true);
    }

    private ObjectNode service(ServiceRow s, boolean tags, boolean drift) {
        Map<String, TaskRows.Counts> byDeployment = store.tasks().liveCountsOfService(s.arn());
        TaskRows.Counts all = byDeployment.values().stream().reduce(TaskRows.Counts.NONE, TaskRows.Counts::plus);
        ObjectNode out = s.spec().deepCopy();
        boolean fargate = ModelJson.serviceLaunchType(s.spec()) == LaunchType.FARGATE;
        if (fargate) {
            out.put("platformFamily", PlatformVersions.FAMILY);
            if (!out.hasNonNull("platformVersion")) {
                out.put("platformVersion", PlatformVersions.LATEST); // a service on FARGATE / FARGATE_SPOT
            }
        }
        out.put("serviceArn", s.arn());
        out.put("serviceName", s.name());
        out.put("clusterArn", s.clusterArn());
        out.put("status", s.status());
        out.put("desiredCount", s.desiredCount());
        out.put("runningCount", all.running());
        out.put("pendingCount", all.pending());
        out.put("taskDefinition", s.taskDefinitionArn());
        ArrayNode deployments = out.putArray("deployments");
        DeploymentRow current = null;
        List<Versioned<DeploymentRow>> ofService = store.deployments().ofService(s.arn());
        for (Versioned<DeploymentRow> v : ofService) {
            DeploymentRow d = v.value();
            if (!d.active()) {
                continue;
            }
            if (current == null && d.status().equals(DeploymentStatus.PRIMARY.wire())) {
                current = d;
            }
            TaskRows.Counts tasks = byDeployment.getOrDefault(d.id(), TaskRows.Counts.NONE);
            ObjectNode dj = deployments.addObject();
            dj.put("id", d.id());
            dj.put("status", d.status());
            dj.put("taskDefinition", d.taskDefinitionArn());
            dj.put(
                    "desiredCount",
                    d.status().equals(DeploymentStatus.PRIMARY.wire())
                            ? s.desiredCount()
                            : tasks.running() + tasks.pending());
            dj.put("pendingCount", tasks.pending());
            dj.put("runningCount", tasks.running());
            dj.put("failedTasks", d.failedTasks());
            dj.put("createdAt", TaskDefinitionDocs.seconds(d.createdAt()));
            dj.put("updatedAt", TaskDefinitionDocs.seconds(d.finishedAt() != null ? d.finishedAt() : d.createdAt()));
            if (s.spec().path("capacityProviderStrategy").isArray()) {
                dj.set("capacityProviderStrategy", s.spec().get("capacityProviderStrategy"));
            } else {
                dj.put("launchType", ModelJson.serviceLaunchType(s.spec()).wire());
            }
            if (fargate) {
                dj.put("platformVersion", s.spec().path("platformVersion").asText(PlatformVersions.LATEST));
                dj.put("platformFamily", PlatformVersions.FAMILY);
            }
            if (s.spec().has("networkConfiguration")) {
                dj.set("networkConfiguration", s.spec().get("networkConfiguration"));
            }
            dj.put("rolloutState", d.rolloutState());
            dj.put("rolloutStateReason", d.rolloutStateReason());
        }
        ArrayNode events = out.putArray("events");
        for (Events.Event e : store.events().latest(s.arn(), 100)) {
            events.addObject()
                    .put("id", e.id())
                    .put("createdAt", TaskDefinitionDocs.seconds(e.createdAt()))
                    .put("message", e.message());
        }
        out.put("createdAt", TaskDefinitionDocs.seconds(s.createdAt()));
        if (current != null) {
            out.put("currentServiceDeployment", current.arn());
            TaskRows.Counts tasks = byDeployment.getOrDefault(current.id(), TaskRows.Counts.NONE);
            out.putArray("currentServiceRevisions")
                    .addObject()
                    .put("arn", current.revisionArn())
                    .put("requestedTaskCount", s.desiredCount())
                    .put("runningTaskCount", tasks.running())
                    .put("pendingTaskCount", tasks.pending());
        }
        if (tags) {
            out.set("tags", Params.tagsJson(store.tags().list(s.arn())));
        }
        if (drift) {
            // Ballast extension member: the image drift of the PRIMARY deployment's containers (DescribeDrift's view)
            out.set("imageDrift", DriftOperations.render(new DriftView(store).of(s, ofService)));
        }
        return out;
    }

    ObjectNode revision(RevisionRow r) {
        ObjectNode out = Json.object();
        out.put("serviceRevisionArn", r.arn());
        out.put("serviceArn", r.serviceArn());
        out.put("clusterArn", r.clusterArn());
        out.put("taskDefinition", r.taskDefinitionArn());
        if (r.launchType() != null) {
            out.put("launchType", r.launchType());
        }
        ArrayNode images = out.putArray("containerImages");
        for (ContainerResolution c : r.resolution().containers()) {
            ObjectNode ci = images.addObject();
            ci.put("containerName", c.containerName());
            ci.put("image", c.image());
            ci.put("imageDigest", c.imageDigest());
            // Ballast extension fields: the resolution record of this container.
            ci.put("versionConsistency", c.mode().wire());
            ci.put("decidedBy", c.decidedBy().wire());
            ci.put("rule", c.rule());
            ci.put("resolutionMode", c.resolutionMode().wire());
            if (c.resolvedAt() != null) {
                ci.put("resolvedAt", TaskDefinitionDocs.seconds(c.resolvedAt()));
            }
            ci.put("launchImage", c.launchImage());
            ci.put("reason", c.reason());
        }
        out.put("resolutionState", r.resolution().state().wire());
        out.put("createdAt", TaskDefinitionDocs.seconds(r.createdAt()));
        return out;
    }

    ObjectNode deploymentBrief(DeploymentRow d) {
        ObjectNode out = Json.object();
        out.put("serviceDeploymentArn", d.arn());
        out.put("serviceArn", d.serviceArn());
        out.put("clusterArn", d.clusterArn());
        out.put("createdAt", TaskDefinitionDocs.seconds(d.createdAt()));
        if (d.startedAt() != null) {
            out.put("startedAt", TaskDefinitionDocs.seconds(d.startedAt()));
        }
        if (d.finishedAt() != null) {
            out.put("finishedAt", TaskDefinitionDocs.seconds(d.finishedAt()));
        }
        out.put("targetServiceRevisionArn", d.revisionArn());
        out.put("status", d.lifecycle());
        out.put("statusReason", d.rolloutStateReason());
        return out;
    }

    ObjectNode deployment(DeploymentRow d, int desired) {
        ObjectNode out = deploymentBrief(d);
        out.remove("targetServiceRevisionArn");
        TaskRows.Counts tasks =
                store.tasks().liveCountsOfService(d.serviceArn()).getOrDefault(d.id(), TaskRows.Counts.NONE);
        out.putObject("targetServiceRevision")
                .put("arn", d.revisionArn())
                .put("requestedTaskCount", desired)
                .put("runningTaskCount", tasks.running())
                .put("pendingTaskCount", tasks.pending());
        ArrayNode sources = out.putArray("sourceServiceRevisions");
        if (d.sourceRevisionArn() != null) {
            sources.addObject().put("arn", d.sourceRevisionArn());
        }
        out.set("deploymentConfiguration", d.deploymentConfiguration());
        if (d.rollbackOf() != null) {
            out.putObject("rollback")
                    .put("reason", "circuit breaker rollback of deployment " + d.rollbackOf())
                    .put("startedAt", TaskDefinitionDocs.seconds(d.createdAt()))
                    .put("serviceRevisionArn", d.revisionArn());
        }
        boolean cb = d.configuration().circuitBreaker().enable();
        out.putObject("deploymentCircuitBreaker")
                .put(
                        "status",
                        cb
                                ? (d.rolloutState().equals(RolloutState.FAILED.wire())
                                        ? "TRIGGERED"
                                        : d.rolloutState().equals(RolloutState.COMPLETED.wire())
                                                ? "MONITORING_COMPLETE"
                                                : "MONITORING")
                                : "DISABLED")
                .put("failureCount", d.failedTasks())
                .put("threshold", Deployer.circuitBreakerThreshold(desired));
        return out;
    }
}
