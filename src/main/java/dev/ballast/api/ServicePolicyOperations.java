package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A service's image-lifecycle policy ({@link ImageLifecyclePolicy}, docs/policy-api.md), served under {@link
 * LifecycleApi#TARGET_PREFIX}: {@code PutServiceImagePolicy} (members left out keep the stored value, or the
 * default when the service has no policy yet), {@code DescribeServiceImagePolicy} and {@code
 * DeleteServiceImagePolicy} (the service uses the default again). Input is checked here (no ECS model covers it):
 * wrong JSON types are {@code SerializationException}, bad values and unknown members {@code
 * InvalidParameterException}, unknown services {@code ServiceNotFoundException}; a refused request writes nothing.
 */
final class ServicePolicyOperations {
    /** The longest cooldown accepted: 30 days. */
    static final long MAX_COOLDOWN_SECONDS = 30L * 24 * 3600;

    private static final Set<String> TARGET = Set.of("cluster", "service");
    private static final Set<String> PUT = Set.of(
            "cluster", "service", "onMissingImage", "refresh", "autoRedeploy", "cooldownSeconds", "requireApproval");

    private final Store store;
    private final LifecycleServices services;

    ServicePolicyOperations(LifecycleApi.Context context) {
        this.store = context.store();
        this.services = new LifecycleServices(context.store(), context.account());
    }

    /** Adds the three operations to {@code ops}. */
    void register(Map<String, Operation> ops) {
        ops.put("PutServiceImagePolicy", (in, call) -> put(in));
        ops.put("DescribeServiceImagePolicy", (in, call) -> describe(in));
        ops.put("DeleteServiceImagePolicy", (in, call) -> delete(in));
    }

    private JsonNode put(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "PutServiceImagePolicy", PUT);
        ServiceRow service = service(in);
        ImageLifecyclePolicy current = store.imagePolicies().policy(service.arn());
        ImageLifecyclePolicy updated = new ImageLifecyclePolicy(
                onMissingImage(in).orElse(current.onMissingImage()),
                bool(in, "refresh").orElse(current.refresh()),
                bool(in, "autoRedeploy").orElse(current.autoRedeploy()),
                cooldown(in).orElse(current.cooldownSeconds()),
                bool(in, "requireApproval").orElse(current.requireApproval()));
        store.imagePolicies().put(service.arn(), updated);
        return answer(service, updated, false);
    }

    private JsonNode describe(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "DescribeServiceImagePolicy", TARGET);
        ServiceRow service = service(in);
        Optional<ImageLifecyclePolicy> stored = store.imagePolicies().find(service.arn());
        return answer(service, stored.orElse(ImageLifecyclePolicy.DEFAULT), stored.isEmpty());
    }

    private JsonNode delete(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "DeleteServiceImagePolicy", TARGET);
        ServiceRow service = service(in);
        if (!store.imagePolicies().delete(service.arn())) {
            throw AwsException.resourceNotFound(
                    "Service " + service.name() + " has no image-lifecycle policy of its own; it uses the default.");
        }
        return answer(service, ImageLifecyclePolicy.DEFAULT, true);
    }

    private ServiceRow service(ObjectNode in) {
        String cluster = Params.text(in, "cluster", false);
        String service = Params.text(in, "service", true);
        return services.service(services.cluster(cluster), service);
    }

    private static ObjectNode answer(ServiceRow service, ImageLifecyclePolicy p, boolean isDefault) {
        ObjectNode out = Json.object().put("serviceArn", service.arn()).put("clusterArn", service.clusterArn());
        out.set("policy", policy(p));
        out.put("default", isDefault);
        return out;
    }

    /** The policy as the operations show it. */
    static ObjectNode policy(ImageLifecyclePolicy p) {
        return Json.object()
                .put("onMissingImage", p.onMissingImage().wire())
                .put("refresh", p.refresh())
                .put("autoRedeploy", p.autoRedeploy())
                .put("cooldownSeconds", p.cooldownSeconds())
                .put("requireApproval", p.requireApproval());
    }

    private static Optional<MissingImageAction> onMissingImage(ObjectNode in) {
        String value = Params.text(in, "onMissingImage", false);
        if (value == null) {
            return Optional.empty();
        }
        for (MissingImageAction a : MissingImageAction.values()) {
            if (a.wire().equals(value)) {
                return Optional.of(a);
            }
        }
        throw AwsException.invalidParameter("Invalid 'onMissingImage' '" + ShapeValidator.clip(value)
                + "'. Accepted values: "
                + Arrays.stream(MissingImageAction.values())
                        .map(MissingImageAction::wire)
                        .collect(Collectors.joining(", "))
                + ".");
    }

    private static Optional<Boolean> bool(ObjectNode in, String member) {
        JsonNode n = in.get(member);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw AwsException.serialization("'" + member + "' must be a boolean.");
        }
        return Optional.of(n.booleanValue());
    }

    private static Optional<Long> cooldown(ObjectNode in) {
        JsonNode n = in.get("cooldownSeconds");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber()) {
            throw AwsException.serialization("'cooldownSeconds' must be an integer.");
        }
        if (!n.canConvertToLong() || n.longValue() < 0 || n.longValue() > MAX_COOLDOWN_SECONDS) {
            throw AwsException.invalidParameter("Invalid 'cooldownSeconds' " + ShapeValidator.clip(n.asText())
                    + ": it must be between 0 and " + MAX_COOLDOWN_SECONDS + " (30 days).");
        }
        return Optional.of(n.longValue());
    }
}
