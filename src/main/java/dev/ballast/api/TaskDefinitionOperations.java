package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ballast.core.Account;
import dev.ballast.core.ModelJson;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.registry.RegistryAccess;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskDefinitions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions, ListTaskDefinitionFamilies,
 * DeregisterTaskDefinition, DeleteTaskDefinitions. The registered document is stored as sent (after
 * model validation) plus ECS's defaults, and echoed back unchanged.
 */
final class TaskDefinitionOperations {
    private final Store store;
    private final Account account;
    private final ResourceRefs refs;
    private final RegistryChecks registries;
    private final Cache<String, ObjectNode> rendered =
            Caffeine.newBuilder().maximumSize(4_096).build();

    /** For lookups only (policy explain): registering through it permits any registry but link-local ones. */
    TaskDefinitionOperations(Store store, Account account) {
        this(store, account, RegistryAccess.any());
    }

    TaskDefinitionOperations(Store store, Account account, RegistryAccess registryAccess) {
        this.registries = new RegistryChecks(registryAccess);
        this.store = store;
        this.account = account;
        this.refs = new ResourceRefs(account);
    }

    /**
     * Refuses {@code td} when one of its images is on a registry this server may not contact (RunTask,
     * CreateService and UpdateService ask before anything is stored or resolved).
     */
    void checkRegistries(TaskDefinitionRecord td) {
        registries.check(td);
    }

    void register(Map<String, Operation> ops) {
        ops.put("RegisterTaskDefinition", (in, call) -> registerTaskDefinition(in));
        ops.put("DescribeTaskDefinition", (in, call) -> describe(in));
        ops.put("ListTaskDefinitions", (in, call) -> list(in));
        ops.put("ListTaskDefinitionFamilies", (in, call) -> families(in));
        ops.put("DeregisterTaskDefinition", (in, call) -> deregister(in));
        ops.put("DeleteTaskDefinitions", (in, call) -> delete(in));
    }

    private JsonNode registerTaskDefinition(ObjectNode in) {
        List<Tags.Tag> tags = Params.tags(in.path("tags"), "tags");
        ObjectNode doc = in.deepCopy();
        doc.remove("tags");
        TaskDefinitionValidator.validate(doc, Json.write(doc).length);
        PlacementChecks.checkTaskDefinition(doc);
        registries.check(ModelJson.taskDefinition(doc));
        TaskDefinitionDocs.applyDefaults(doc);
        String family = doc.path("family").asText();
        TaskDefinitionRecord r = store.taskDefinitions().register(family, revision -> {
            String arn = account.taskDefinitionArn(family, revision);
            ObjectNode stored = doc.deepCopy();
            stored.put("taskDefinitionArn", arn);
            stored.put("revision", revision);
            stored.put("registeredBy", account.rootPrincipalArn());
            return new TaskDefinitions.Registration(arn, Json.writeString(stored), tags);
        });
        ObjectNode out = Json.object();
        out.set("taskDefinition", TaskDefinitionDocs.render(r));
        out.set("tags", Params.tagsJson(tags));
        return out;
    }

    private JsonNode describe(ObjectNode in) {
        TaskDefinitionRecord r = find(Params.required(in, "taskDefinition"), true)
                .orElseThrow(() -> AwsException.client("Unable to describe task definition."));
        ObjectNode out = Json.object();
        // Revisions are immutable but for their status and its times, which are part of the cache key; the
        // cached node is only ever serialized, never changed.
        out.set(
                "taskDefinition",
                rendered.get(
                        r.arn() + '|' + r.status() + '|' + r.deregisteredAt() + '|' + r.deleteRequestedAt(),
                        k -> TaskDefinitionDocs.render(r)));
        if (Params.strings(in, "include").contains("TAGS")) {
            out.set("tags", Params.tagsJson(store.tags().list(r.arn())));
        }
        return out;
    }

    private JsonNode list(ObjectNode in) {
        int max = Pagination.maxResults(in, 100, 100);
        String status = Optional.ofNullable(Params.string(in, "status")).orElse(TaskDefinitionStatus.ACTIVE.wire());
        boolean desc = "DESC".equals(Params.string(in, "sort"));
        String family = Params.string(in, "familyPrefix");
        JsonNode after = Pagination.after(in, "ListTaskDefinitions");
        TaskDefinitions.Cursor cursor = after == null
                ? null
                : new TaskDefinitions.Cursor(
                        after.path("family").asText(), after.path("revision").asInt());
        List<TaskDefinitionRecord> rows = store.taskDefinitions().list(status, family, desc, cursor, max + 1);
        ObjectNode out = Json.object();
        out.set(
                "taskDefinitionArns",
                Params.array(
                        rows.stream().limit(max).map(TaskDefinitionRecord::arn).toList()));
        if (rows.size() > max) {
            TaskDefinitionRecord last = rows.get(max - 1);
            out.put(
                    "nextToken",
                    Pagination.token(
                            "ListTaskDefinitions",
                            Json.object().put("family", last.family()).put("revision", last.revision())));
        }
        return out;
    }

    private JsonNode families(ObjectNode in) {
        int max = Pagination.maxResults(in, 100, 100);
        TaskDefinitions.FamilyStatus status = TaskDefinitions.FamilyStatus.valueOf(
                Optional.ofNullable(Params.string(in, "status")).orElse(TaskDefinitionStatus.ACTIVE.wire()));
        JsonNode after = Pagination.after(in, "ListTaskDefinitionFamilies");
        List<String> names = store.taskDefinitions()
                .families(
                        Params.string(in, "familyPrefix"),
                        status,
                        after == null ? null : after.path("family").asText(),
                        max + 1);
        ObjectNode out = Json.object();
        out.set("families", Params.array(names.stream().limit(max).toList()));
        if (names.size() > max) {
            out.put(
                    "nextToken",
                    Pagination.token("ListTaskDefinitionFamilies", Json.object().put("family", names.get(max - 1))));
        }
        return out;
    }

    private JsonNode deregister(ObjectNode in) {
        String ref = Params.required(in, "taskDefinition");
        ResourceRefs.FamilyRevision fr = refs.taskDefinition(ref)
                .filter(x -> x.revision() > 0)
                .orElseThrow(() -> AwsException.client("Invalid 'taskDefinition' '" + ShapeValidator.clip(ref)
                        + "': name a revision as family:revision or by its full ARN."));
        TaskDefinitionRecord r = store.taskDefinitions()
                .find(fr.family(), fr.revision())
                .orElseThrow(() -> AwsException.client(
                        "The specified task definition does not exist: " + ShapeValidator.clip(ref) + "."));
        if (!r.status().equals(TaskDefinitionStatus.ACTIVE.wire())
                || !store.taskDefinitions()
                        .transition(
                                r.family(),
                                r.revision(),
                                TaskDefinitionStatus.ACTIVE.wire(),
                                TaskDefinitionStatus.INACTIVE.wire())) {
            throw AwsException.client("The specified task definition is already inactive: " + r.arn() + ".");
        }
        TaskDefinitionRecord now =
                store.taskDefinitions().find(r.family(), r.revision()).orElseThrow();
        return Json.object().set("taskDefinition", TaskDefinitionDocs.render(now));
    }

    private JsonNode delete(ObjectNode in) {
        List<String> arns = Params.strings(in, "taskDefinitions");
        if (arns.isEmpty() || arns.size() > 10) {
            throw AwsException.invalidParameter(
                    "'taskDefinitions' must name between 1 and 10 task definition revisions, got " + arns.size() + ".");
        }
        ArrayNode deleted = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : arns) {
            Optional<TaskDefinitionRecord> r = refs.taskDefinition(ref)
                    .filter(x -> x.revision() > 0)
                    .flatMap(fr -> store.taskDefinitions().find(fr.family(), fr.revision()));
            if (r.isEmpty()) {
                failures.addObject()
                        .put("arn", ref)
                        .put("reason", "MISSING")
                        .put("detail", "The specified task definition does not exist.");
            } else if (r.get().status().equals(TaskDefinitionStatus.ACTIVE.wire())) {
                failures.addObject()
                        .put("arn", r.get().arn())
                        .put("reason", "The specified task definition is still in ACTIVE status. Deregister it first.");
            } else {
                store.taskDefinitions()
                        .transition(
                                r.get().family(),
                                r.get().revision(),
                                TaskDefinitionStatus.INACTIVE.wire(),
                                TaskDefinitionStatus.DELETE_IN_PROGRESS.wire());
                deleted.add(TaskDefinitionDocs.render(store.taskDefinitions()
                        .find(r.get().family(), r.get().revision())
                        .orElseThrow()));
            }
        }
        ObjectNode out = Json.object();
        out.set("taskDefinitions", deleted);
        out.set("failures", failures);
        return out;
    }

    /** A revision named by family (latest ACTIVE), family:revision, or ARN. */
    Optional<TaskDefinitionRecord> find(String ref, boolean latestIfNoRevision) {
        return refs.taskDefinition(ref)
                .flatMap(fr -> fr.revision() > 0
                        ? store.taskDefinitions().find(fr.family(), fr.revision())
                        : latestIfNoRevision ? store.taskDefinitions().latestActive(fr.family()) : Optional.empty());
    }
}
