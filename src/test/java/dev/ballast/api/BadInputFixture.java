package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterSetting;
import software.amazon.awssdk.services.ecs.model.ClusterSettingName;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.SettingName;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * The world {@link BadInputTest} throws bad requests at: a seeded store (clusters, task definition
 * revisions in every status, account settings, tags), one valid body per operation aimed at that state so
 * that any write it performed would show, and a snapshot of everything the API can read back.
 */
final class BadInputFixture {
    static final String ECS = TestServer.ACCOUNT.ecsArnPrefix();
    static final String ALICE = "arn:aws:iam::" + TestServer.ACCOUNT.accountId() + ":user/alice";
    static final Set<String> READ_ONLY = Set.of(
            "DescribeClusters",
            "ListClusters",
            "DescribeTaskDefinition",
            "ListTaskDefinitions",
            "ListTaskDefinitionFamilies",
            "ListAccountSettings",
            "ListTagsForResource");

    private BadInputFixture() {}

    /**
     * Clusters alpha (two tags, containerInsights enabled), beta and gamma (deleted); task definitions
     * web:1 (tagged), web:2 (INACTIVE), web:3, worker:1, old:1 (INACTIVE); four account settings.
     */
    static void seed(EcsClient ecs) {
        ecs.createCluster(b -> b.clusterName("alpha")
                .tags(tag("team", "core"), tag("env", "test"))
                .settings(ClusterSetting.builder()
                        .name(ClusterSettingName.CONTAINER_INSIGHTS)
                        .value("enabled")
                        .build()));
        ecs.createCluster(b -> b.clusterName("beta").tags(tag("team", "edge")));
        ecs.createCluster(b -> b.clusterName("gamma"));
        ecs.deleteCluster(b -> b.cluster("gamma"));
        register(ecs, "web", tag("team", "web"));
        register(ecs, "web");
        register(ecs, "web");
        ecs.deregisterTaskDefinition(b -> b.taskDefinition("web:2"));
        register(ecs, "worker");
        register(ecs, "old");
        ecs.deregisterTaskDefinition(b -> b.taskDefinition("old:1"));
        ecs.putAccountSetting(b -> b.name(SettingName.CONTAINER_INSIGHTS).value("disabled"));
        ecs.putAccountSetting(b -> b.name(SettingName.AWSVPC_TRUNKING).value("enabled"));
        ecs.putAccountSettingDefault(
                b -> b.name(SettingName.SERVICE_LONG_ARN_FORMAT).value("enabled"));
        ecs.putAccountSetting(
                b -> b.name(SettingName.TASK_LONG_ARN_FORMAT).value("enabled").principalArn(ALICE));
    }

    /** One valid body per operation, reads first, writes in an order in which each still succeeds. */
    static Map<String, ObjectNode> bases() {
        Map<String, ObjectNode> b = new LinkedHashMap<>();
        b.put(
                "DescribeClusters",
                json("{'clusters':['alpha','" + ECS + "cluster/beta'],'include':['TAGS','SETTINGS']}"));
        b.put("ListClusters", json("{'maxResults':10}"));
        b.put("DescribeTaskDefinition", json("{'taskDefinition':'web:1','include':['TAGS']}"));
        b.put("ListTaskDefinitions", json("{'familyPrefix':'web','status':'ACTIVE','sort':'DESC','maxResults':10}"));
        b.put("ListTaskDefinitionFamilies", json("{'familyPrefix':'w','status':'ALL','maxResults':5}"));
        b.put("ListAccountSettings", json("{'effectiveSettings':true,'maxResults':5,'principalArn':'" + ALICE + "'}"));
        b.put("ListTagsForResource", json("{'resourceArn':'" + ECS + "cluster/alpha'}"));
        b.put("CreateCluster", json("""
                {'clusterName':'fuzz-new','tags':[{'key':'team','value':'fuzz'}],
                 'settings':[{'name':'containerInsights','value':'enabled'}],
                 'configuration':{'executeCommandConfiguration':{'kmsKeyId':'key-1','logging':'DEFAULT'}}}"""));
        b.put(
                "UpdateCluster",
                json("{'cluster':'alpha','settings':[{'name':'containerInsights','value':'disabled'}]}"));
        b.put(
                "UpdateClusterSettings",
                json("{'cluster':'" + ECS
                        + "cluster/alpha','settings':[{'name':'versionConsistency','value':'disabled'}]}"));
        b.put("TagResource", json("{'resourceArn':'" + ECS + "cluster/alpha','tags':[{'key':'added','value':'yes'}]}"));
        b.put("UntagResource", json("{'resourceArn':'" + ECS + "task-definition/web:1','tagKeys':['team']}"));
        b.put("RegisterTaskDefinition", json("""
                {'family':'web','networkMode':'awsvpc','requiresCompatibilities':['FARGATE'],'cpu':'256','memory':'512',
                 'containerDefinitions':[
                   {'name':'app','image':'registry.example.com:5000/team/app:1.2.3','essential':true,'memory':256,
                    'memoryReservation':128,'cpu':128,'portMappings':[{'containerPort':8080,'hostPort':8080,'protocol':'tcp'}],
                    'environment':[{'name':'MODE','value':'fuzz'}],'command':['serve','--port','8080'],'versionConsistency':'enabled'},
                   {'name':'sidecar','image':'busybox@sha256:%s','essential':false,'memory':64,
                    'dependsOn':[{'containerName':'app','condition':'START'}]}],
                 'tags':[{'key':'team','value':'web'}]}""".formatted("0123456789abcdef".repeat(4))));
        b.put("DeregisterTaskDefinition", json("{'taskDefinition':'" + ECS + "task-definition/web:3'}"));
        b.put("DeleteTaskDefinitions", json("{'taskDefinitions':['web:2']}"));
        b.put(
                "PutAccountSetting",
                json("{'name':'containerInsights','value':'enhanced','principalArn':'" + ALICE + "'}"));
        b.put("PutAccountSettingDefault", json("{'name':'awsvpcTrunking','value':'disabled'}"));
        b.put("DeleteAccountSetting", json("{'name':'awsvpcTrunking'}"));
        b.put("DeleteCluster", json("{'cluster':'beta'}"));
        return b;
    }

    /**
     * Everything the API reads back, as the JSON it answers: clusters (listed, and described with tags,
     * settings, configuration and statistics), task definitions of every status (listed, and each described
     * with tags), families, account settings (root and alice, plain and effective) and the tags of every
     * cluster and task definition. Read with raw signed calls, which are several times quicker than the SDK.
     */
    static Map<String, JsonNode> snapshot(RawClient raw) {
        Map<String, JsonNode> s = new LinkedHashMap<>();
        List<String> clusterArns = texts(all(raw, "ListClusters", "{}", "clusterArns"));
        s.put("ListClusters", array(clusterArns));
        Set<String> clusters = new LinkedHashSet<>(clusterArns);
        clusters.addAll(List.of("alpha", "beta", "gamma", "default", "fuzz-new"));
        ObjectNode describe = BadRequests.JSON.createObjectNode();
        describe.set("clusters", array(List.copyOf(clusters)));
        describe.set("include", array(List.of("TAGS", "SETTINGS", "CONFIGURATIONS", "STATISTICS")));
        s.put("DescribeClusters", ok(raw, "DescribeClusters", describe.toString()));
        List<String> taskDefinitionArns = new ArrayList<>();
        for (String status : List.of("ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS")) {
            List<String> arns =
                    texts(all(raw, "ListTaskDefinitions", "{\"status\":\"" + status + "\"}", "taskDefinitionArns"));
            s.put("ListTaskDefinitions " + status, array(arns));
            taskDefinitionArns.addAll(arns);
        }
        for (String arn : taskDefinitionArns) {
            s.put(
                    "DescribeTaskDefinition " + arn,
                    ok(raw, "DescribeTaskDefinition", "{\"taskDefinition\":\"" + arn + "\",\"include\":[\"TAGS\"]}"));
        }
        s.put(
                "ListTaskDefinitionFamilies ALL",
                all(raw, "ListTaskDefinitionFamilies", "{\"status\":\"ALL\"}", "families"));
        for (String principal : new String[] {null, ALICE}) {
            for (boolean effective : new boolean[] {false, true}) {
                String body = "{\"effectiveSettings\":" + effective
                        + (principal == null ? "" : ",\"principalArn\":\"" + principal + "\"") + "}";
                s.put(
                        "ListAccountSettings " + principal + " effective=" + effective,
                        all(raw, "ListAccountSettings", body, "settings"));
            }
        }
        List<String> taggable = new ArrayList<>(clusterArns);
        taggable.addAll(taskDefinitionArns);
        for (String arn : taggable) {
            s.put("ListTagsForResource " + arn, ok(raw, "ListTagsForResource", "{\"resourceArn\":\"" + arn + "\"}"));
        }
        return s;
    }

    /** Every item of a paginated list, following nextToken. */
    private static ArrayNode all(RawClient raw, String op, String body, String member) {
        ArrayNode items = BadRequests.JSON.createArrayNode();
        ObjectNode request = json(body);
        while (true) {
            JsonNode page = ok(raw, op, request.toString());
            items.addAll((ArrayNode) page.path(member));
            if (!page.path("nextToken").isTextual()) {
                return items;
            }
            request.put("nextToken", page.get("nextToken").asText());
        }
    }

    private static JsonNode ok(RawClient raw, String op, String body) {
        RawClient.Response r = raw.call(op, body);
        if (r.status() != 200) {
            throw new IllegalStateException("snapshot: " + op + " " + body + " answered " + r);
        }
        return r.json();
    }

    private static List<String> texts(ArrayNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = BadRequests.JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    /** Keys whose values differ between two snapshots, with both values (abbreviated). */
    static List<String> differences(Map<String, JsonNode> before, Map<String, JsonNode> after) {
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            JsonNode a = before.get(k);
            JsonNode b = after.get(k);
            if (!Objects.equals(a, b)) {
                out.add(k + ": before=" + abbreviate(String.valueOf(a)) + " after=" + abbreviate(String.valueOf(b)));
            }
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 397) + "..." : s;
    }

    private static void register(EcsClient ecs, String family, Tag... tags) {
        ecs.registerTaskDefinition(b -> b.family(family)
                .tags(tags)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("nginx:1.27")
                        .memory(128)
                        .build()));
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    /** JSON written with single quotes for readability (no value here contains one). */
    private static ObjectNode json(String singleQuoted) {
        try {
            return (ObjectNode) BadRequests.JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
