package dev.ballast.api;

import static dev.ballast.api.BadRequests.Expect.NO_EFFECT;
import static dev.ballast.api.BadRequests.Expect.REFUSED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ballast.api.BadRequests.Expect;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The semantic half of {@link BadRequests}: values that are well-typed JSON but wrong for ECS — foreign or
 * malformed ARNs, enum violations, out-of-range integers, forged pagination tokens, task definition
 * limits, image references, version consistency values, names, tag rules and X-Amz-Target variants.
 * Paths refer to the base bodies in {@link BadInputFixture}.
 */
final class TargetedBadRequests {
    /** String members whose content Ballast checks (names, references, setting values): any junk is refused. */
    static final Set<String> CHECKED_STRINGS = Set.of(
            "CreateCluster:clusterName",
            "CreateCluster:settings[*].name",
            "CreateCluster:settings[*].value",
            "DeleteCluster:cluster",
            "UpdateCluster:cluster",
            "UpdateCluster:settings[*].name",
            "UpdateCluster:settings[*].value",
            "UpdateClusterSettings:cluster",
            "UpdateClusterSettings:settings[*].name",
            "UpdateClusterSettings:settings[*].value",
            "DescribeTaskDefinition:taskDefinition",
            "DeregisterTaskDefinition:taskDefinition",
            "RegisterTaskDefinition:family",
            "RegisterTaskDefinition:cpu",
            "RegisterTaskDefinition:memory",
            "RegisterTaskDefinition:containerDefinitions[*].name",
            "RegisterTaskDefinition:containerDefinitions[*].image",
            "RegisterTaskDefinition:containerDefinitions[*].dependsOn[*].containerName",
            "PutAccountSetting:value",
            "PutAccountSetting:principalArn",
            "PutAccountSettingDefault:value",
            "ListAccountSettings:principalArn",
            "DeleteAccountSetting:principalArn",
            "TagResource:resourceArn",
            "UntagResource:resourceArn",
            "ListTagsForResource:resourceArn");

    private static final String ECS = TestServer.ACCOUNT.ecsArnPrefix();
    private static final String ACCOUNT = TestServer.ACCOUNT.accountId();
    /** 40 emoji: 80 UTF-16 chars, so a 61-char cut lands between the halves of a surrogate pair. */
    private static final String EMOJI = "\uD83D\uDE00".repeat(40);

    private final BadRequests g;

    TargetedBadRequests(BadRequests g) {
        this.g = g;
    }

    void addAll() {
        clusterReferences();
        taskDefinitionReferences();
        resourceArns();
        principals();
        enums();
        settingValues();
        pagination();
        taskDefinitionRules();
        images();
        names();
        tagRules();
        targets();
        echoedUnicode();
    }

    private void clusterReferences() {
        for (String op : List.of("DeleteCluster", "UpdateCluster", "UpdateClusterSettings")) {
            String name = g.bases.get(op).path("cluster").asText().replace(ECS + "cluster/", "");
            badClusterRefs(name).forEach(ref -> set(op, "bad cluster reference", "cluster", text(ref), REFUSED));
        }
        badClusterRefs("alpha")
                .forEach(ref -> set("DescribeClusters", "bad cluster reference", "clusters[0]", text(ref), NO_EFFECT));
        ArrayNode many = BadRequests.JSON.createArrayNode();
        for (int i = 0; i < 101; i++) {
            many.add("c" + i);
        }
        set("DescribeClusters", "too many items", "clusters", many, REFUSED);
    }

    private static List<String> badClusterRefs(String name) {
        return List.of(
                "arn:aws-cn:ecs:us-east-1:" + ACCOUNT + ":cluster/" + name,
                "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":cluster/" + name,
                "arn:aws:ecs:us-east-1:999999999999:cluster/" + name,
                ECS + "service/" + name,
                ECS + "task-definition/" + name + ":1",
                "arn:aws:s3:::" + name,
                "",
                " ",
                "arn:",
                "arn:aws:ecs",
                ECS + "cluster/",
                ECS + "cluster",
                ECS + "cluster/" + name + "/x",
                ECS + "cluster/" + "a".repeat(5000),
                ECS + "cluster/\u00e5lpha",
                "\u00e5lpha",
                name + " ",
                " " + name,
                name + "\n",
                name.toUpperCase(Locale.ROOT),
                "../" + name,
                "\uD83D\uDE00",
                name + "\u0000",
                "gamma",
                "nope",
                "%61lpha");
    }

    private void taskDefinitionReferences() {
        for (String op : List.of("DescribeTaskDefinition", "DeregisterTaskDefinition")) {
            String ref = g.bases.get(op).path("taskDefinition").asText().replace(ECS + "task-definition/", "");
            badTaskDefinitionRefs(ref)
                    .forEach(r -> set(op, "bad task definition reference", "taskDefinition", text(r), REFUSED));
        }
        set("DeregisterTaskDefinition", "bad task definition reference", "taskDefinition", text("web"), REFUSED);
        set("DeregisterTaskDefinition", "bad task definition reference", "taskDefinition", text("web:2"), REFUSED);
        String ref = g.bases
                .get("DeleteTaskDefinitions")
                .path("taskDefinitions")
                .get(0)
                .asText();
        badTaskDefinitionRefs(ref)
                .forEach(r -> set(
                        "DeleteTaskDefinitions",
                        "bad task definition reference",
                        "taskDefinitions[0]",
                        text(r),
                        NO_EFFECT));
        set("DeleteTaskDefinitions", "bad task definition reference", "taskDefinitions[0]", text("web:1"), NO_EFFECT);
        ArrayNode eleven = BadRequests.JSON.createArrayNode();
        for (int i = 1; i <= 11; i++) {
            eleven.add("web:" + i);
        }
        set("DeleteTaskDefinitions", "too many items", "taskDefinitions", eleven, REFUSED);
        set("DeleteTaskDefinitions", "too few items", "taskDefinitions", BadRequests.JSON.createArrayNode(), REFUSED);
    }

    private static List<String> badTaskDefinitionRefs(String familyRevision) {
        String f = familyRevision.substring(0, familyRevision.indexOf(':'));
        String r = familyRevision.substring(familyRevision.indexOf(':') + 1);
        return List.of(
                "arn:aws-cn:ecs:us-east-1:" + ACCOUNT + ":task-definition/" + familyRevision,
                "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":task-definition/" + familyRevision,
                "arn:aws:ecs:us-east-1:999999999999:task-definition/" + familyRevision,
                ECS + "cluster/" + familyRevision,
                ECS + "task-definition/" + f,
                ECS + "task-definition/" + familyRevision + "/x",
                f + ":0",
                f + ":-1",
                f + ":1.5",
                f + ":99999999999",
                f + ":",
                ":" + r,
                familyRevision + ":" + r,
                "",
                "  ",
                f + ":0" + r,
                "w\u00e9b:" + r,
                "w".repeat(300) + ":" + r,
                familyRevision + " ",
                "\uD83D\uDE00:" + r,
                f + ":999",
                "arn:",
                ECS + "task-definition/");
    }

    private void resourceArns() {
        List<String> bad = List.of(
                "arn:aws-cn:ecs:us-east-1:" + ACCOUNT + ":cluster/alpha",
                "arn:aws:ecs:eu-west-1:" + ACCOUNT + ":cluster/alpha",
                "arn:aws:ecs:us-east-1:999999999999:cluster/alpha",
                ECS + "service/alpha",
                ECS + "container-instance/x",
                ECS + "task-definition/web",
                ECS + "task-definition/web:999",
                ECS + "cluster/gamma",
                ECS + "cluster/nope",
                "",
                "alpha",
                ECS,
                ECS + "/alpha",
                ECS + "cluster/" + "a".repeat(3000),
                ECS + "cluster/\u00e5lpha",
                ECS + "Cluster/alpha",
                "arn:aws:ecs:us-east-1:" + ACCOUNT + "::cluster/alpha",
                ECS + "cluster/alpha\u0000",
                "arn:aws:iam::" + ACCOUNT + ":root");
        for (String op : List.of("TagResource", "UntagResource", "ListTagsForResource")) {
            bad.forEach(arn -> set(op, "bad resource ARN", "resourceArn", text(arn), REFUSED));
        }
    }

    private void principals() {
        List<String> bad = List.of(
                "arn:aws-cn:iam::" + ACCOUNT + ":root",
                "arn:aws:iam::999999999999:root",
                "arn:aws:iam::" + ACCOUNT + ":group/x",
                "arn:aws:iam::" + ACCOUNT + ":user/",
                "arn:aws:iam:us-east-1:" + ACCOUNT + ":root",
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/r/s",
                "",
                "root",
                "arn:aws:iam::" + ACCOUNT + ":user/\u00e5lice",
                "arn:aws:iam::" + ACCOUNT + ":user/" + "a".repeat(600),
                "arn:aws:iam::12345678901:root",
                "arn:aws:iam::" + ACCOUNT + ":root ",
                ECS + "cluster/alpha");
        for (String op : List.of("PutAccountSetting", "ListAccountSettings", "DeleteAccountSetting")) {
            bad.forEach(p -> set(op, "bad principal ARN", "principalArn", text(p), REFUSED));
        }
    }

    /** Every enum-valued member of every base body, modeled or checked by Ballast. */
    private void enums() {
        for (String op : g.bases.keySet()) {
            for (BadRequests.Node n : g.walk(op)) {
                if (g.shape(n.shape()).has("enum")) {
                    String v = n.value().asText();
                    for (String bad : List.of("NOPE", flipCase(v), "", v + " ", v + "\u0000")) {
                        set(op, "enum violation", n.path(), text(bad), REFUSED);
                    }
                }
            }
        }
    }

    private void settingValues() {
        for (String op : List.of("CreateCluster", "UpdateCluster", "UpdateClusterSettings")) {
            for (String bad : List.of("maybe", "ENABLED", "", "enabled ", "true")) {
                set(op, "invalid setting value", "settings[0].value", text(bad), REFUSED);
            }
        }
        for (String op : List.of("PutAccountSetting", "PutAccountSettingDefault")) {
            for (String bad : List.of("maybe", "ENABLED", "", "enabled ", "on", "7")) {
                set(op, "invalid setting value", "value", text(bad), REFUSED);
            }
        }
    }

    private void pagination() {
        for (String op :
                List.of("ListClusters", "ListTaskDefinitions", "ListTaskDefinitionFamilies", "ListAccountSettings")) {
            int max = op.equals("ListAccountSettings") ? 10 : 100;
            for (String bad : List.of(
                    "0",
                    "-1",
                    String.valueOf(max + 1),
                    "1000",
                    "2147483648",
                    "1099511627776",
                    "9223372036854775808",
                    "1.5",
                    "1e2",
                    "-0")) {
                raw(op, "out-of-range integer", "maxResults = " + bad, "maxResults", bad, REFUSED);
            }
            String other = op.equals("ListClusters") ? "ListTaskDefinitions" : "ListClusters";
            for (String bad : List.of(
                    "garbage",
                    "!!!",
                    "%%%",
                    "a+b/c==",
                    b64("not json"),
                    b64("{\"op\":\"" + other + "\",\"name\":\"a\"}"),
                    b64("[1,2]"),
                    b64("null"),
                    b64("{}"),
                    b64("\"" + op + "\""),
                    "a".repeat(100_000),
                    b64("[".repeat(100)))) {
                set(op, "bad nextToken", abbreviate(bad), "nextToken", text(bad), REFUSED);
            }
            for (String forged : List.of(
                    "{\"index\":-1}",
                    "{\"index\":1099511627776}",
                    "{\"index\":2147483647}",
                    "{\"index\":\"x\"}",
                    "{\"index\":1e300}",
                    "{\"name\":[1],\"family\":{\"x\":1},\"revision\":-5}",
                    "{\"family\":null,\"revision\":2147483648}",
                    "{\"name\":\"\\u0000\",\"family\":\"" + "z".repeat(300) + "\"}")) {
                String token = b64(forged.replaceFirst("\\{", "{\"op\":\"" + op + "\","));
                set(op, "forged nextToken", forged, "nextToken", text(token), NO_EFFECT);
            }
            set(op, "forged nextToken", "empty string", "nextToken", text(""), NO_EFFECT);
        }
    }

    private void taskDefinitionRules() {
        String op = "RegisterTaskDefinition";
        for (String v : List.of("-1", "0", "5", "1024", "2147483648")) {
            raw(op, "invalid container memory", "memory = " + v, "containerDefinitions[0].memory", v, REFUSED);
        }
        for (String v : List.of("-1", "0", "300")) {
            raw(
                    op,
                    "invalid container memory",
                    "memoryReservation = " + v,
                    "containerDefinitions[0].memoryReservation",
                    v,
                    REFUSED);
        }
        for (String v : List.of("-1", "-2147483648")) {
            raw(op, "invalid container cpu", "cpu = " + v, "containerDefinitions[0].cpu", v, REFUSED);
        }
        for (String v : List.of("-512", "0", "abc", "", "512XB", "5", "1e3", "0.001GB", " ", "512 512", "-0.5GB")) {
            set(op, "invalid task memory", "memory", text(v), REFUSED);
        }
        for (String v : List.of("-1", "abc", "", "10", "1 vcpus", "0x100")) {
            set(op, "invalid task cpu", "cpu", text(v), REFUSED);
        }
        for (String v : List.of("70000", "-1", "65536")) {
            raw(
                    op,
                    "invalid port",
                    "containerPort = " + v,
                    "containerDefinitions[0].portMappings[0].containerPort",
                    v,
                    REFUSED);
        }
        for (String v : List.of("65536", "-2", "9090")) {
            raw(op, "invalid port", "hostPort = " + v, "containerDefinitions[0].portMappings[0].hostPort", v, REFUSED);
        }
        ObjectNode base = g.bases.get(op);
        ArrayNode containers = (ArrayNode) base.get("containerDefinitions");
        ArrayNode eleven = BadRequests.JSON.createArrayNode();
        eleven.add(containers.get(0));
        for (int i = 1; i < 11; i++) {
            eleven.add(((ObjectNode) containers.get(1).deepCopy())
                    .put("name", "side" + i)
                    .put("memory", 16));
        }
        set(op, "too many containers", "11 container definitions", "containerDefinitions", eleven, REFUSED);
        set(
                op,
                "too few containers",
                "no container definitions",
                "containerDefinitions",
                BadRequests.JSON.createArrayNode(),
                REFUSED);
        set(op, "container rules", "duplicate container name", "containerDefinitions[1].name", text("app"), REFUSED);
        set(
                op,
                "container rules",
                "dependsOn itself",
                "containerDefinitions[1].dependsOn[0].containerName",
                text("sidecar"),
                REFUSED);
        set(
                op,
                "container rules",
                "dependsOn a ghost",
                "containerDefinitions[1].dependsOn[0].containerName",
                text("ghost"),
                REFUSED);
        ObjectNode noEssential = BodyEdits.with(
                base,
                "containerDefinitions[0].essential",
                BadRequests.JSON.getNodeFactory().booleanNode(false));
        g.add(op, "container rules", "no essential container", noEssential, REFUSED);
        set(
                op,
                "container rules",
                "mountPoint on an unknown volume",
                "containerDefinitions[0].mountPoints",
                json("[{\"sourceVolume\":\"ghost\",\"containerPath\":\"/data\"}]"),
                REFUSED);
        set(
                op,
                "container rules",
                "volumesFrom an unknown container",
                "containerDefinitions[0].volumesFrom",
                json("[{\"sourceContainer\":\"ghost\"}]"),
                REFUSED);
        set(
                op,
                "container rules",
                "links with awsvpc",
                "containerDefinitions[0].links",
                json("[\"sidecar\"]"),
                REFUSED);
        set(op, "task rules", "FARGATE with bridge", "networkMode", text("bridge"), REFUSED);
        set(op, "task rules", "FARGATE without task cpu", "cpu", null, REFUSED);
        set(op, "task rules", "FARGATE without task memory", "memory", null, REFUSED);
        ArrayNode env = BadRequests.JSON.createArrayNode();
        for (int i = 0; i < 800; i++) {
            env.addObject().put("name", "VAR_" + i).put("value", "v".repeat(80));
        }
        set(op, "over 64 KiB", "800 environment variables", "containerDefinitions[0].environment", env, REFUSED);
        set(
                op,
                "over 64 KiB",
                "one 70,000-character command argument",
                "containerDefinitions[0].command[0]",
                text("c".repeat(70_000)),
                REFUSED);
        for (String v : List.of("ENABLED", "true", "", "on", "enabled ", "Enabled", "always", "consistent ")) {
            set(op, "bad versionConsistency", "containerDefinitions[0].versionConsistency", text(v), REFUSED);
        }
    }

    private void images() {
        String digest64 = "0123456789abcdef".repeat(4);
        List<String> bad = List.of(
                "",
                " ",
                "UPPER/Case",
                "nginx:latest:extra",
                "nginx@sha256:abc",
                "nginx@sha256:" + digest64.toUpperCase(Locale.ROOT),
                ":tag",
                "/nginx",
                "nginx//x",
                "-nginx",
                "nginx:",
                "a".repeat(300),
                "\u00f1ginx",
                "nginx latest",
                "nginx\n",
                "registry.example.com:/x",
                "http://registry/x",
                "nginx:" + "t".repeat(129),
                "nginx:-tag",
                "nginx@",
                "localhost:5000/",
                ".nginx",
                "nginx..x",
                "nginx@sha256:" + digest64 + "0",
                "nginx:tag@",
                "x".repeat(200) + "@sha256:" + "a".repeat(400));
        bad.forEach(image -> set(
                "RegisterTaskDefinition",
                "invalid image reference",
                "containerDefinitions[0].image",
                text(image),
                REFUSED));
    }

    private void names() {
        List<String> bad = List.of(
                "",
                "bad name",
                "a".repeat(256),
                "\u00e5lpha",
                "x/y",
                ECS + "cluster/x",
                "x:y",
                "\uD83D\uDE00",
                "a\nb",
                "alpha\u0000",
                "x.y");
        bad.forEach(n -> set("CreateCluster", "invalid name", "clusterName", text(n), REFUSED));
        bad.forEach(n -> set("RegisterTaskDefinition", "invalid name", "family", text(n), REFUSED));
        bad.forEach(
                n -> set("RegisterTaskDefinition", "invalid name", "containerDefinitions[0].name", text(n), REFUSED));
    }

    private void tagRules() {
        for (String op : List.of("CreateCluster", "TagResource", "RegisterTaskDefinition")) {
            set(op, "tag rules", "51 tags", "tags", tags(51, "t"), REFUSED);
            set(
                    op,
                    "tag rules",
                    "duplicate keys",
                    "tags",
                    json("[{\"key\":\"k\",\"value\":\"1\"},{\"key\":\"k\",\"value\":\"2\"}]"),
                    REFUSED);
            set(op, "tag rules", "reserved aws: prefix", "tags[0].key", text("aws:owner"), REFUSED);
            set(op, "tag rules", "reserved AWS: prefix", "tags[0].key", text("AWS:owner"), REFUSED);
            set(op, "tag rules", "empty key", "tags[0].key", text(""), REFUSED);
            set(op, "tag rules", "no key", "tags[0]", json("{\"value\":\"v\"}"), REFUSED);
            set(op, "tag rules", "257-character value", "tags[0].value", text("v".repeat(257)), REFUSED);
            set(op, "tag rules", "129-character key", "tags[0].key", text("k".repeat(129)), REFUSED);
            set(op, "tag rules", "key with '#'", "tags[0].key", text("a#b"), REFUSED);
        }
        set("TagResource", "tag rules", "no tags", "tags", BadRequests.JSON.createArrayNode(), REFUSED);
        set(
                "TagResource",
                "tag rules",
                "49 new tags on a tagged cluster (over 50 in all)",
                "tags",
                tags(49, "n"),
                REFUSED);
        set("UntagResource", "tag rules", "no keys", "tagKeys", BadRequests.JSON.createArrayNode(), NO_EFFECT);
        set("UntagResource", "tag rules", "an absent key", "tagKeys", json("[\"absent\"]"), NO_EFFECT);
        set("UntagResource", "tag rules", "an empty key", "tagKeys", json("[\"\"]"), REFUSED);
    }

    private void targets() {
        for (String op : g.bases.keySet()) {
            String p = BadRequests.PREFIX;
            List<String> bad = new ArrayList<>(List.of(
                    "",
                    p,
                    p + ".",
                    p + ".ExecuteCommand",
                    p + ".Nope",
                    p + "." + op.toLowerCase(Locale.ROOT),
                    "AmazonEC2ContainerServiceV20141114." + op,
                    op,
                    "ecs." + op,
                    "DynamoDB_20120810." + op,
                    p + "." + op + ".Extra",
                    p + ".." + op,
                    p.toLowerCase(Locale.ROOT) + "." + op,
                    "." + op,
                    p + "." + op + "%00",
                    p + "/" + op));
            bad.forEach(t -> g.addWithTarget(op, "bad X-Amz-Target", t.isEmpty() ? "(empty)" : t, t, REFUSED));
            g.addWithTarget(op, "bad X-Amz-Target", "(missing)", null, REFUSED);
        }
    }

    /** Long non-BMP text where the server quotes the input in its message. */
    private void echoedUnicode() {
        set("CreateCluster", "echoed unicode", "clusterName", text(EMOJI), REFUSED);
        set("RegisterTaskDefinition", "echoed unicode", "family", text(EMOJI), REFUSED);
        set("RegisterTaskDefinition", "echoed unicode", "containerDefinitions[0].image", text(EMOJI), REFUSED);
        set("RegisterTaskDefinition", "echoed unicode", "memory", text(EMOJI), REFUSED);
        set("ListTaskDefinitions", "echoed unicode", "status", text(EMOJI), REFUSED);
        set("DescribeClusters", "echoed unicode", "include[0]", text(EMOJI), REFUSED);
        set("DescribeClusters", "echoed unicode", "clusters[0]", text(EMOJI), NO_EFFECT);
        set("PutAccountSetting", "echoed unicode", "value", text(EMOJI), REFUSED);
        set("PutAccountSetting", "echoed unicode", "principalArn", text(EMOJI), REFUSED);
        set("TagResource", "echoed unicode", "resourceArn", text(ECS + EMOJI), REFUSED);
        set("DeregisterTaskDefinition", "echoed unicode", "taskDefinition", text(EMOJI), REFUSED);
        set("UpdateCluster", "echoed unicode", "settings[0].value", text(EMOJI), REFUSED);
        set("ListClusters", "echoed unicode", "nextToken", text(EMOJI), REFUSED);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private void set(String op, String family, String path, JsonNode value, Expect expect) {
        set(
                op,
                family,
                path + " = " + BodyEdits.abbreviate(value == null ? text("(removed)") : value),
                path,
                value,
                expect);
    }

    private void set(String op, String family, String detail, String path, JsonNode value, Expect expect) {
        g.add(op, family, detail, g.with(op, path, value), expect);
    }

    private void raw(String op, String family, String detail, String path, String rawJson, Expect expect) {
        g.add(op, family, detail, g.raw(op, path, rawJson), expect);
    }

    private static ArrayNode tags(int n, String prefix) {
        ArrayNode a = BadRequests.JSON.createArrayNode();
        for (int i = 0; i < n; i++) {
            a.addObject().put("key", prefix + i).put("value", "v");
        }
        return a;
    }

    private static TextNode text(String s) {
        return TextNode.valueOf(s);
    }

    private static JsonNode json(String s) {
        try {
            return BadRequests.JSON.readTree(s);
        } catch (IOException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String flipCase(String s) {
        String upper = s.toUpperCase(Locale.ROOT);
        return upper.equals(s) ? s.toLowerCase(Locale.ROOT) : upper;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
