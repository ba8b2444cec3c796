package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.CompareAndSet;
import dev.ballast.deploy.Deployer;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code RollbackService} {cluster?, service, serviceDeploymentArn | deploymentId}: rolls a service back to one of its
 * earlier deployments ({@code ballast rollback}, the console's "Roll back to this deployment") — a new PRIMARY
 * deployment of that deployment's revision, with its task definition and its recorded image digests (no registry
 * request), like the circuit breaker's rollback ({@link Deployer#rollBackTo}). The target must be a deployment of the
 * service, not its PRIMARY one, and its revision's images must have been resolved; otherwise, and when both or neither
 * of {@code serviceDeploymentArn} and {@code deploymentId} are given, the answer is an
 * {@code InvalidParameterException} saying why. A repeated request answers the deployment the first one created
 * ({@code created: false}). The answer: {@code serviceArn}, {@code deployment} (the new PRIMARY: {@code id},
 * {@code serviceDeploymentArn}, {@code taskDefinition}), {@code target} (the same members), {@code created}.
 */
final class RollbackOperations {
    private static final Set<String> MEMBERS = Set.of("cluster", "service", "serviceDeploymentArn", "deploymentId");

    private final Store store;
    private final LifecycleServices services;
    private final EcsApi.Workers workers;

    RollbackOperations(LifecycleApi.Context context) {
        this.store = context.store();
        this.services = new LifecycleServices(context.store(), context.account());
        this.workers = context.workers();
    }

    /** Adds {@code RollbackService} to {@code ops}. */
    void register(Map<String, Operation> ops) {
        ops.put("RollbackService", this::rollBack);
    }

    private JsonNode rollBack(ObjectNode in, Operation.Call call) {
        LifecycleServices.onlyKnown(in, "RollbackService", MEMBERS);
        String clusterRef = Params.text(in, "cluster", false);
        String serviceRef = Params.text(in, "service", true);
        String arn = Params.text(in, "serviceDeploymentArn", false);
        String id = Params.text(in, "deploymentId", false);
        if ((arn == null) == (id == null)) {
            throw AwsException.invalidParameter("RollbackService takes exactly one of 'serviceDeploymentArn' and"
                    + " 'deploymentId' (the deployment to roll back to), "
                    + (arn == null ? "not neither." : "not both."));
        }
        ServiceRow service = services.service(services.cluster(clusterRef), serviceRef);
        String ref = arn != null ? arn : id;
        Optional<DeploymentRow> found = (arn != null
                        ? store.deployments().findByArn(arn)
                        : store.deployments().find(id))
                .map(Versioned::value)
                .filter(d -> d.serviceArn().equals(service.arn()));
        if (found.isEmpty()) {
            throw AwsException.invalidParameter("Deployment '" + ShapeValidator.clip(ref)
                    + "' is not a deployment of service " + service.name() + ".");
        }
        DeploymentRow target = found.get();
        if (target.status().equals(DeploymentStatus.PRIMARY.wire())) {
            throw AwsException.invalidParameter("Deployment " + target.id() + " is the PRIMARY deployment of service "
                    + service.name() + ": there is nothing to roll back to.");
        }
        Optional<ResolutionRecord> record =
                store.revisions().find(target.revisionArn()).map(v -> v.value().resolution());
        if (record.isEmpty() || !record.get().resolved()) {
            throw AwsException.invalidParameter("Deployment " + target.id() + " cannot be rolled back to: its"
                    + " revision's images were never resolved"
                    + record.map(r -> " (resolution " + r.state().wire() + ")").orElse("")
                    + ", so there are no recorded digests to reuse.");
        }
        List<String> unpinned = record.get().fellBackToTags();
        if (!unpinned.isEmpty()) {
            throw AwsException.invalidParameter("Deployment " + target.id() + " cannot be rolled back to: container(s) "
                    + String.join(", ", unpinned) + " fell back to their tags (best-effort, no digest recorded), so a"
                    + " rollback would run whatever the tags serve now; UpdateService to its task definition resolves"
                    + " them again.");
        }
        Deployer.Rollback rollback;
        try {
            rollback = workers.deployer()
                    .rollBackTo(service.arn(), target, call.principalArn())
                    .orElseThrow(() -> new AwsException("ServiceNotActiveException", 400, "Service was not ACTIVE."));
        } catch (CompareAndSet.ConflictException e) {
            throw AwsException.contended("Service " + service.name());
        }
        workers.wakeService().accept(service.arn());
        ObjectNode out = Json.object().put("serviceArn", service.arn());
        deployment(out.putObject("deployment"), rollback.deployment());
        deployment(out.putObject("target"), target);
        out.put("created", rollback.created());
        return out;
    }

    private static void deployment(ObjectNode out, DeploymentRow d) {
        out.put("id", d.id()).put("serviceDeploymentArn", d.arn()).put("taskDefinition", d.taskDefinitionArn());
    }
}
