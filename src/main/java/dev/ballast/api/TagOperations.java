package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** TagResource, UntagResource, ListTagsForResource on any taggable resource of this account. */
final class TagOperations {
    static final int MAX_TAGS = 50;
    private final Store store;
    private final Account account;
    private final Map<String, Predicate<String>> exists;

    /**
     * @param exists resource type (the ARN part before the first '/', e.g. "cluster") → whether an ARN of that
     *               type names a live resource; a missing resource of type "cluster" is ClusterNotFoundException
     */
    TagOperations(Store store, Account account, Map<String, Predicate<String>> exists) {
        this.store = store;
        this.account = account;
        this.exists = exists;
    }

    void register(Map<String, Operation> ops) {
        ops.put("TagResource", (in, call) -> tag(in));
        ops.put("UntagResource", (in, call) -> untag(in));
        ops.put("ListTagsForResource", (in, call) -> list(in));
    }

    private JsonNode tag(ObjectNode in) {
        String arn = resource(in);
        List<Tags.Tag> tags = Params.tags(in.path("tags"), "tags");
        if (tags.isEmpty()) {
            throw AwsException.invalidParameter("'tags' must hold at least one tag.");
        }
        if (!store.tags().put(arn, tags, MAX_TAGS)) {
            throw AwsException.invalidParameter("Resource " + arn + " would have more than " + MAX_TAGS + " tags.");
        }
        return Json.object();
    }

    private JsonNode untag(ObjectNode in) {
        String arn = resource(in);
        List<String> keys = Params.strings(in, "tagKeys");
        store.tags().remove(arn, keys);
        return Json.object();
    }

    private JsonNode list(ObjectNode in) {
        return Json.object().set("tags", Params.tagsJson(store.tags().list(resource(in))));
    }

    private String resource(ObjectNode in) {
        String arn = Params.required(in, "resourceArn");
        String prefix = account.ecsArnPrefix();
        int slash = arn.indexOf('/');
        if (!arn.startsWith(prefix) || slash < 0) {
            throw AwsException.invalidParameter("Invalid 'resourceArn' '" + ShapeValidator.clip(arn)
                    + "': expected an ECS ARN " + prefix + "<type>/<id> of this account and region.");
        }
        String type = arn.substring(prefix.length(), slash);
        Predicate<String> check = exists.get(type);
        if (check == null) {
            throw AwsException.invalidParameter("Invalid 'resourceArn' '" + ShapeValidator.clip(arn)
                    + "': resources of type '" + ShapeValidator.clip(type) + "' cannot be tagged.");
        }
        if (!check.test(arn)) {
            if (type.equals("cluster")) {
                throw AwsException.clusterNotFound();
            }
            throw AwsException.resourceNotFound(
                    "The specified resource could not be found: " + ShapeValidator.clip(arn) + ".");
        }
        return arn;
    }
}
