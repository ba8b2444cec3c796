package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.AttributeLimitExceededException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.PlacementConstraint;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategy;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.StartTaskResponse;
import software.amazon.awssdk.services.ecs.model.TargetNotFoundException;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Placement constraints and strategies, attributes and StartTask through the AWS SDK against a running server
 * whose container instances are registered by the test (no agent moves their tasks, so what placement decided
 * stays visible).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacementIT {
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        ecs.registerTaskDefinition(r -> r.family("small")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/small:v1")
                        .memory(256)
                        .cpu(128)
                        .versionConsistency("disabled")
                        .build()));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    @Test
    void memberOfInstanceTypeIsHonoured() {
        ecs.createCluster(c -> c.clusterName("types"));
        String small =
                register("types", 4096, Map.of("ecs.instance-type", "t2.small")).containerInstanceArn();
        String m1 =
                register("types", 4096, Map.of("ecs.instance-type", "m5.large")).containerInstanceArn();
        String m2 =
                register("types", 4096, Map.of("ecs.instance-type", "m5.large")).containerInstanceArn();
        RunTaskResponse run = ecs.runTask(r -> r.cluster("types")
                .taskDefinition("small")
                .count(6)
                .placementConstraints(memberOf("attribute:ecs.instance-type == m5.large")));
        assertThat(run.failures()).isEmpty();
        assertThat(run.tasks())
                .extracting(Task::containerInstanceArn)
                .containsOnly(m1, m2)
                .contains(m1, m2);
        assertThat(run.tasks()).extracting(Task::containerInstanceArn).doesNotContain(small);

        RunTaskResponse none = ecs.runTask(r -> r.cluster("types")
                .taskDefinition("small")
                .placementConstraints(memberOf("attribute:ecs.instance-type =~ g4dn.*")));
        assertThat(none.tasks()).isEmpty();
        assertThat(none.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MemberOf placement constraint unsatisfied."));

        // the task definition's own memberOf applies too, with the request's
        ecs.registerTaskDefinition(r -> r.family("m5-only")
                .placementConstraints(p -> p.type("memberOf").expression("attribute:ecs.instance-type == m5.large"))
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/small:v1")
                        .memory(256)
                        .versionConsistency("disabled")
                        .build()));
        RunTaskResponse fromDefinition =
                ecs.runTask(r -> r.cluster("types").taskDefinition("m5-only").count(4));
        assertThat(fromDefinition.tasks())
                .extracting(Task::containerInstanceArn)
                .containsOnly(m1, m2);
        RunTaskResponse both = ecs.runTask(r ->
                r.cluster("types").taskDefinition("m5-only").placementConstraints(memberOf("ec2InstanceId == i-none")));
        assertThat(both.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MemberOf placement constraint unsatisfied."));
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("bad-constraint")
                        .placementConstraints(p -> p.type("memberOf").expression("attribute:ecs.instance-type ==="))
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image("127.0.0.1:9/demo/small:v1")
                                .memory(256)
                                .build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("placementConstraints[0] (memberOf): Invalid expression");

        List<String> filtered = ecs.listContainerInstances(r ->
                        r.cluster("types").filter("attribute:ecs.instance-type =~ m5.* and runningTasksCount == 0"))
                .containerInstanceArns();
        assertThat(filtered).containsExactlyInAnyOrder(m1, m2);
    }

    @Test
    void distinctInstanceIsHonouredOnAService() {
        ecs.createCluster(c -> c.clusterName("distinct"));
        List<String> instances = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            instances.add(register("distinct", 4096, Map.of()).containerInstanceArn());
        }
        Service created = ecs.createService(r -> r.cluster("distinct")
                        .serviceName("one-each")
                        .taskDefinition("small")
                        .desiredCount(4)
                        .placementConstraints(PlacementConstraint.builder()
                                .type(PlacementConstraintType.DISTINCT_INSTANCE)
                                .build())
                        .placementStrategy(strategy(PlacementStrategyType.SPREAD, "attribute:ecs.availability-zone")))
                .service();
        assertThat(created.placementConstraints())
                .singleElement()
                .satisfies(c -> assertThat(c.typeAsString()).isEqualTo("distinctInstance"));
        Eventually.await(
                "the service reports the unplaceable fourth task",
                Duration.ofSeconds(30),
                () -> ecs
                        .describeServices(r -> r.cluster("distinct").services("one-each"))
                        .services()
                        .getFirst()
                        .events()
                        .stream()
                        .anyMatch(e -> e.message().contains("DistinctInstance placement constraint unsatisfied")));
        List<Task> tasks = tasks("distinct", "one-each");
        assertThat(tasks).hasSize(3);
        assertThat(tasks).extracting(Task::containerInstanceArn).containsExactlyInAnyOrderElementsOf(instances);
        Service described = ecs.describeServices(r -> r.cluster("distinct").services("one-each"))
                .services()
                .getFirst();
        assertThat(described.placementStrategy()).singleElement().satisfies(s -> {
            assertThat(s.typeAsString()).isEqualTo("spread");
            assertThat(s.field()).isEqualTo("attribute:ecs.availability-zone");
        });
        ecs.updateService(r -> r.cluster("distinct").service("one-each").desiredCount(0));
    }

    @Test
    void binpackOnMemoryFillsOneInstanceBeforeTheNext() {
        ecs.createCluster(c -> c.clusterName("pack"));
        String a = register("pack", 1024, Map.of()).containerInstanceArn();
        String b = register("pack", 1024, Map.of()).containerInstanceArn();
        RunTaskResponse run = ecs.runTask(r -> r.cluster("pack")
                .taskDefinition("small")
                .count(6)
                .placementStrategy(strategy(PlacementStrategyType.BINPACK, "memory")));
        assertThat(run.failures()).isEmpty();
        Map<String, Long> perInstance =
                run.tasks().stream().collect(Collectors.groupingBy(Task::containerInstanceArn, Collectors.counting()));
        // 1024 MiB hold four 256 MiB tasks: the first instance is full before the second gets any
        assertThat(perInstance.values()).containsExactlyInAnyOrder(4L, 2L);
        assertThat(List.of(a, b)).containsAll(perInstance.keySet());
    }

    @Test
    void startTaskRunsOneTaskOnEachNamedInstance() {
        ecs.createCluster(c -> c.clusterName("start"));
        ContainerInstance roomy = register("start", 4096, Map.of());
        ContainerInstance tiny = register("start", 128, Map.of());
        ContainerInstance other = register("start", 4096, Map.of());
        ContainerInstance draining = register("start", 4096, Map.of());
        ecs.updateContainerInstancesState(r -> r.cluster("start")
                .containerInstances(draining.containerInstanceArn())
                .status("DRAINING"));
        String roomyId = roomy.containerInstanceArn()
                .substring(roomy.containerInstanceArn().lastIndexOf('/') + 1);
        StartTaskResponse started = ecs.startTask(r -> r.cluster("start")
                .taskDefinition("small")
                .containerInstances(
                        roomyId,
                        other.containerInstanceArn(),
                        tiny.containerInstanceArn(),
                        draining.containerInstanceArn(),
                        "0123456789abcdef0123456789abcdef")
                .startedBy("ci")
                .group("family:pinned")
                .tags(t -> t.key("job").value("1")));
        assertThat(started.tasks())
                .as("failures: %s", started.failures())
                .extracting(Task::containerInstanceArn)
                .containsExactlyInAnyOrder(roomy.containerInstanceArn(), other.containerInstanceArn());
        assertThat(started.tasks()).allSatisfy(t -> {
            assertThat(t.startedBy()).isEqualTo("ci");
            assertThat(t.group()).isEqualTo("family:pinned");
            assertThat(t.tags())
                    .singleElement()
                    .satisfies(tag -> assertThat(tag.key()).isEqualTo("job"));
        });
        Map<String, String> failures =
                started.failures().stream().collect(Collectors.toMap(f -> f.arn(), f -> f.reason()));
        assertThat(failures)
                .containsEntry(tiny.containerInstanceArn(), "RESOURCE:MEMORY")
                .containsEntry(draining.containerInstanceArn(), "DRAINING")
                .containsEntry(
                        "arn:aws:ecs:us-east-1:123456789012:container-instance/start/0123456789abcdef0123456789abcdef",
                        "MISSING")
                .hasSize(3);
        List<String> eleven = Collections.nCopies(11, roomyId);
        assertThatThrownBy(() -> ecs.startTask(
                        r -> r.cluster("start").taskDefinition("small").containerInstances(eleven)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("'containerInstances' must name between 1 and 10 container instances, got 11.");
        assertThatThrownBy(() -> ecs.startTask(r -> r.cluster("start")
                        .taskDefinition("small")
                        .containerInstances(roomyId)
                        .overrides(o -> o.cpu("1024"))))
                .hasMessageContaining("overrides");
    }

    @Test
    void attributesArePutListedAndDeleted() {
        ecs.createCluster(c -> c.clusterName("attrs"));
        String a =
                register("attrs", 4096, Map.of("ecs.instance-type", "t3.micro")).containerInstanceArn();
        String b = register("attrs", 4096, Map.of()).containerInstanceArn();
        String aId = a.substring(a.lastIndexOf('/') + 1);
        var put = ecs.putAttributes(r -> r.cluster("attrs")
                .attributes(
                        attribute("stack", "prod", aId),
                        attribute("team", "payments", a),
                        attribute("stack", "staging", b)));
        assertThat(put.attributes())
                .hasSize(3)
                .allSatisfy(x -> assertThat(x.targetType().toString()).isEqualTo("container-instance"));
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("stack"))
                        .attributes())
                .extracting(Attribute::targetId, Attribute::value)
                .containsExactlyInAnyOrder(tuple(a, "prod"), tuple(b, "staging"));
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("stack")
                                .attributeValue("prod"))
                        .attributes())
                .extracting(Attribute::targetId)
                .containsExactly(a);
        List<Attribute> paged = ecs
                .listAttributesPaginator(
                        r -> r.cluster("attrs").targetType("container-instance").maxResults(1))
                .attributes()
                .stream()
                .toList();
        assertThat(paged).extracting(Attribute::name).contains("stack", "team", "ecs.instance-type");
        assertThat(paged).doesNotHaveDuplicates();

        // a memberOf constraint over the custom attribute
        RunTaskResponse run = ecs.runTask(r -> r.cluster("attrs")
                .taskDefinition("small")
                .count(3)
                .placementConstraints(memberOf("attribute:stack == prod and attribute:team exists")));
        assertThat(run.tasks()).extracting(Task::containerInstanceArn).containsOnly(a);

        ecs.deleteAttributes(r -> r.cluster("attrs").attributes(attribute("team", null, a)));
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("team"))
                        .attributes())
                .isEmpty();
        assertThat(ecs.describeContainerInstances(r -> r.cluster("attrs").containerInstances(a))
                        .containerInstances()
                        .getFirst()
                        .attributes())
                .extracting(Attribute::name)
                .contains("stack")
                .doesNotContain("team");

        // an agent restarting (re-registration with its own attributes) keeps the attributes put on the instance
        ecs.registerContainerInstance(r -> r.cluster("attrs")
                .containerInstanceArn(a)
                .attributes(Attribute.builder()
                        .name("ecs.instance-type")
                        .value("t3.small")
                        .build()));
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("stack")
                                .attributeValue("prod"))
                        .attributes())
                .extracting(Attribute::targetId)
                .containsExactly(a);
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("ecs.instance-type"))
                        .attributes())
                .extracting(Attribute::value)
                .containsExactly("t3.small");

        assertThatThrownBy(() ->
                        ecs.putAttributes(r -> r.cluster("attrs").attributes(attribute("ecs.instance-type", "x", a))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("names starting with 'ecs.' are reserved");
        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("attrs").attributes(attribute("bad name", "x", a))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("attributes[0]: 'name' must be 1-128 letters");
        assertThatThrownBy(() -> ecs.putAttributes(
                        r -> r.cluster("attrs").attributes(attribute("k", "x", "feedfacefeedfacefeedfacefeedface"))))
                .isInstanceOf(TargetNotFoundException.class);
        List<Attribute> many = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            many.add(attribute("extra" + k, "v", b));
        }
        assertThatThrownBy(() -> ecs.putAttributes(r -> r.cluster("attrs").attributes(many)))
                .isInstanceOf(AttributeLimitExceededException.class)
                .hasMessageContaining("would have 11");
        assertThat(ecs.listAttributes(r -> r.cluster("attrs")
                                .targetType("container-instance")
                                .attributeName("extra0"))
                        .attributes())
                .as("a refused call writes nothing")
                .isEmpty();
    }

    @Test
    void badPlacementIsRefusedNamingIt() {
        ecs.createCluster(c -> c.clusterName("bad"));
        register("bad", 4096, Map.of());
        refused(
                r -> r.placementConstraints(memberOf("attribute:ecs.instance-type = t2.small")),
                "placementConstraints[0] (memberOf): Invalid expression 'attribute:ecs.instance-type = t2.small': "
                        + "'=' is not an operator; use '==' or '=~' (at position 29).");
        refused(r -> r.placementConstraints(memberOf("colour == red")), "unknown subject 'colour'");
        refused(
                r -> r.placementConstraints(PlacementConstraint.builder()
                        .type(PlacementConstraintType.DISTINCT_INSTANCE)
                        .expression("attribute:a == b")
                        .build()),
                "placementConstraints[0]: a distinctInstance constraint takes no expression");
        refused(
                r -> r.placementConstraints(PlacementConstraint.builder()
                        .type(PlacementConstraintType.MEMBER_OF)
                        .build()),
                "a memberOf constraint needs an 'expression'");
        List<PlacementConstraint> eleven = new ArrayList<>();
        for (int k = 0; k < 11; k++) {
            eleven.add(memberOf("attribute:a" + k + " exists"));
        }
        refused(r -> r.placementConstraints(eleven), "'placementConstraints' can have at most 10 constraints, got 11.");
        refused(
                r -> r.placementStrategy(strategy(PlacementStrategyType.BINPACK, "disk")),
                "placementStrategy[0]: the binpack strategy needs a 'field' of cpu or memory, got 'disk'.");
        refused(
                r -> r.placementStrategy(strategy(PlacementStrategyType.SPREAD, null)),
                "the spread strategy needs a 'field' of instanceId, host or attribute:NAME, got none.");
        List<PlacementStrategy> six = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            six.add(strategy(PlacementStrategyType.RANDOM, null));
        }
        refused(r -> r.placementStrategy(six), "'placementStrategy' can have at most 5 strategies, got 6.");
        refused(
                r -> r.placementStrategy(
                        PlacementStrategy.builder().type("pack").field("memory").build()),
                "Invalid value 'pack' for 'placementStrategy[0].type'. Accepted values: random, spread, binpack.");
        assertThat(ecs.listTasks(r -> r.cluster("bad")).taskArns()).isEmpty();

        assertThatThrownBy(() -> ecs.createService(r -> r.cluster("bad")
                        .serviceName("never")
                        .taskDefinition("small")
                        .desiredCount(1)
                        .placementConstraints(memberOf("task:group exists"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("operator 'exists' cannot be used with 'task:group'");
        assertThat(ecs.describeServices(r -> r.cluster("bad").services("never")).services())
                .isEmpty();
        assertThatThrownBy(
                        () -> ecs.listContainerInstances(r -> r.cluster("bad").filter("runningTasksCount >")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Invalid 'filter': Invalid expression 'runningTasksCount >': expected a value");
    }

    private void refused(Function<RunTaskRequest.Builder, Object> edit, String message) {
        assertThatThrownBy(() -> ecs.runTask(r -> edit.apply(r.cluster("bad").taskDefinition("small"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(message);
    }

    private List<Task> tasks(String cluster, String service) {
        List<String> arns =
                ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
    }

    private ContainerInstance register(String cluster, int memory, Map<String, String> attributes) {
        List<Attribute> list = new ArrayList<>();
        attributes.forEach(
                (k, v) -> list.add(Attribute.builder().name(k).value(v).build()));
        return ecs.registerContainerInstance(r -> r.cluster(cluster)
                        .totalResources(
                                Resource.builder()
                                        .name("CPU")
                                        .type("INTEGER")
                                        .integerValue(4096)
                                        .build(),
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(memory)
                                        .build())
                        .versionInfo(v -> v.agentVersion("1.83.0"))
                        .attributes(list))
                .containerInstance();
    }

    private static Attribute attribute(String name, String value, String target) {
        return Attribute.builder()
                .name(name)
                .value(value)
                .targetType("container-instance")
                .targetId(target)
                .build();
    }

    private static PlacementConstraint memberOf(String expression) {
        return PlacementConstraint.builder()
                .type(PlacementConstraintType.MEMBER_OF)
                .expression(expression)
                .build();
    }

    private static PlacementStrategy strategy(PlacementStrategyType type, String field) {
        return PlacementStrategy.builder().type(type).field(field).build();
    }
}
