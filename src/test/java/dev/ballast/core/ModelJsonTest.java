package dev.ballast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.model.ContainerCondition;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.ContainerDefinition.Dependency;
import dev.ballast.model.ContainerDefinition.EnvironmentVariable;
import dev.ballast.model.ContainerDefinition.HealthCheck;
import dev.ballast.model.ContainerDefinition.PortMapping;
import dev.ballast.model.ContainerDefinition.RepositoryCredentials;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.NetworkMode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TransportProtocol;
import dev.ballast.model.VersionConsistency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one parser of stored task definitions and deployment configurations, and the defaults of the model. */
class ModelJsonTest {

    /** A document with every member the model types set to a value other than its default. */
    static final String EVERY_MEMBER = """
            {"family":"web","revision":7,"taskDefinitionArn":"arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
             "cpu":"1 vCPU","memory":"2 GB","networkMode":"host","requiresCompatibilities":["EC2"],"volumes":[],
             "containerDefinitions":[
              {"name":"app","image":"127.0.0.1:5000/demo/app:v1","essential":false,"versionConsistency":"consistent",
               "dependsOn":[{"containerName":"db","condition":"HEALTHY"},{"containerName":"init","condition":"SUCCESS"}],
               "healthCheck":{"command":["CMD","curl","-f","http://localhost/"],"interval":10,"timeout":3,"retries":5,
                              "startPeriod":20},
               "stopTimeout":45,"cpu":512,"memory":1024,"memoryReservation":256,
               "portMappings":[{"containerPort":8080,"hostPort":18080,"protocol":"udp","name":"http","appProtocol":"http"}],
               "environment":[{"name":"MODE","value":"prod"}],"command":["serve","--port","8080"],
               "entryPoint":["/bin/sh","-c"],"workingDirectory":"/srv","user":"1000:1000",
               "repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:123456789012:secret:reg"},
               "mountPoints":[{"sourceVolume":"data","containerPath":"/data"}],"dockerLabels":{"team":"core"},
               "linuxParameters":{"initProcessEnabled":true}}]}
            """;

    @Test
    void everyTypedMemberIsRead() {
        TaskDefinition td = ModelJson.taskDefinition(EVERY_MEMBER);
        assertThat(td.family()).isEqualTo("web");
        assertThat(td.revision()).isEqualTo(7);
        assertThat(td.arn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7");
        assertThat(td.cpu()).isEqualTo("1 vCPU");
        assertThat(td.memory()).isEqualTo("2 GB");
        assertThat(td.networkMode()).isEqualTo(NetworkMode.HOST);
        assertThat(td.effectiveNetworkMode()).isEqualTo(NetworkMode.HOST);
        assertThat(td.containers())
                .containsExactly(new ContainerDefinition(
                        "app",
                        "127.0.0.1:5000/demo/app:v1",
                        false,
                        VersionConsistency.CONSISTENT,
                        List.of(
                                new Dependency("db", ContainerCondition.HEALTHY),
                                new Dependency("init", ContainerCondition.SUCCESS)),
                        new HealthCheck(
                                List.of("CMD", "curl", "-f", "http://localhost/"),
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(3),
                                5,
                                Duration.ofSeconds(20)),
                        45,
                        512,
                        1024,
                        256,
                        List.of(new PortMapping(8080, 18080, TransportProtocol.UDP)),
                        List.of(new EnvironmentVariable("MODE", "prod")),
                        List.of("serve", "--port", "8080"),
                        List.of("/bin/sh", "-c"),
                        "/srv",
                        "1000:1000",
                        new RepositoryCredentials("arn:aws:secretsmanager:us-east-1:123456789012:secret:reg")));
        ContainerDefinition app = td.container("app").orElseThrow();
        assertThat(app.credentialsParameter()).isEqualTo("arn:aws:secretsmanager:us-east-1:123456789012:secret:reg");
        assertThat(app.hasHealthCheck()).isTrue();
        assertThat(td.container("db")).isEmpty();
    }

    @Test
    void absentMembersGetEcsDefaults() {
        TaskDefinition td = ModelJson.taskDefinition("""
                {"family":"f","containerDefinitions":[{"name":"a","image":"busybox",
                 "healthCheck":{"command":["CMD-SHELL","true"]},"dependsOn":[{"containerName":"b"}],
                 "portMappings":[{"containerPort":80}],"environment":[{"name":"EMPTY"}]},
                 {"name":"b","image":"busybox","healthCheck":{"command":["NONE"]}}]}
                """);
        assertThat(td.networkMode()).isNull();
        assertThat(td.effectiveNetworkMode()).isEqualTo(NetworkMode.BRIDGE);
        assertThat(td.cpu()).isNull();
        assertThat(td.memory()).isNull();
        assertThat(td.arn()).isNull();
        ContainerDefinition a = td.containers().getFirst();
        assertThat(a.essential()).isTrue();
        assertThat(a.cpu()).isZero();
        assertThat(a.versionConsistency()).isNull();
        assertThat(a.stopTimeout()).isNull();
        assertThat(a.memory()).isNull();
        assertThat(a.memoryReservation()).isNull();
        assertThat(a.credentialsParameter()).isNull();
        assertThat(a.command()).isEmpty();
        assertThat(a.entryPoint()).isEmpty();
        assertThat(a.workingDirectory()).isNull();
        assertThat(a.user()).isNull();
        assertThat(a.healthCheck())
                .isEqualTo(new HealthCheck(
                        List.of("CMD-SHELL", "true"), Duration.ofSeconds(30), Duration.ofSeconds(5), 3, Duration.ZERO));
        assertThat(a.dependsOn()).containsExactly(new Dependency("b", ContainerCondition.START));
        assertThat(a.portMappings()).containsExactly(new PortMapping(80, 0, TransportProtocol.TCP));
        assertThat(a.environment()).containsExactly(new EnvironmentVariable("EMPTY", ""));
        ContainerDefinition b = td.containers().get(1);
        assertThat(b.healthCheck()).isNotNull();
        assertThat(b.hasHealthCheck()).as("[\"NONE\"] runs no check").isFalse();
        assertThat(b.dependsOn()).isEmpty();
        assertThat(b.portMappings()).isEmpty();
        assertThat(b.environment()).isEmpty();
    }

    @Test
    void theGoldenTaskDefinitionAsDescribedIsRead() throws IOException {
        var described = new ObjectMapper()
                .readTree(Files.readString(Path.of("src/test/resources/golden/describe-task-definition.json")))
                .get("taskDefinition");
        TaskDefinition td = ModelJson.taskDefinition(described);
        assertThat(td.arn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/golden:1");
        assertThat(td.revision()).isEqualTo(1);
        assertThat(td.cpu()).isEqualTo("256");
        assertThat(td.networkMode()).isEqualTo(NetworkMode.BRIDGE);
        assertThat(td.containers()).extracting(ContainerDefinition::name).containsExactly("app", "log-router");
        ContainerDefinition app = td.containers().getFirst();
        assertThat(app.versionConsistency()).isEqualTo(VersionConsistency.ENABLED);
        assertThat(app.dependsOn()).containsExactly(new Dependency("log-router", ContainerCondition.START));
        assertThat(app.healthCheck().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(app.healthCheck().startPeriod()).isEqualTo(Duration.ZERO);
        assertThat(app.stopTimeout()).isEqualTo(10);
        ContainerDefinition log = td.containers().get(1);
        assertThat(log.essential()).isFalse();
        assertThat(log.versionConsistency()).isEqualTo(VersionConsistency.DISABLED);
        assertThat(log.hasHealthCheck()).isFalse();
        assertThat(ModelJson.taskDefinition(described.toString())).isEqualTo(td);
    }

    @Test
    void aDocumentThatIsNotATaskDefinitionIsRefusedNamingWhy() {
        assertThatThrownBy(() -> ModelJson.taskDefinition("{"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("task definition document unreadable");
        assertThatThrownBy(() -> ModelJson.taskDefinition("{\"containerDefinitions\":\"app\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("task definition document unreadable");
        assertThatThrownBy(() -> ModelJson.taskDefinition("{\"containerDefinitions\":[{\"image\":\"busybox\"}]}"))
                .as("a container without a name")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEnumValueThisVersionDoesNotKnowReadsAsAbsent() {
        TaskDefinition td = ModelJson.taskDefinition("""
                {"networkMode":"mesh","containerDefinitions":[{"name":"a","image":"x","versionConsistency":"sometimes",
                 "dependsOn":[{"containerName":"b","condition":"LATER"}],"portMappings":[{"containerPort":80,"protocol":"sctp"}]}]}
                """);
        assertThat(td.effectiveNetworkMode()).isEqualTo(NetworkMode.BRIDGE);
        ContainerDefinition a = td.containers().getFirst();
        assertThat(a.versionConsistency()).isNull();
        assertThat(a.dependsOn()).containsExactly(new Dependency("b", ContainerCondition.START));
        assertThat(a.portMappings()).containsExactly(new PortMapping(80, 0, TransportProtocol.TCP));
    }

    @Test
    void everyEnumValueReadsByItsWireString() {
        for (ContainerCondition c : ContainerCondition.values()) {
            assertThat(ModelJson.taskDefinition(
                                    "{\"containerDefinitions\":[{\"name\":\"a\",\"dependsOn\":[{\"containerName\":"
                                            + "\"b\",\"condition\":\"" + c.wire() + "\"}]}]}")
                            .containers()
                            .getFirst()
                            .dependsOn()
                            .getFirst()
                            .condition())
                    .isEqualTo(c);
        }
        for (VersionConsistency v : VersionConsistency.values()) {
            assertThat(ModelJson.taskDefinition("{\"containerDefinitions\":[{\"name\":\"a\",\"versionConsistency\":\""
                                    + v.wire() + "\"}]}")
                            .containers()
                            .getFirst()
                            .versionConsistency())
                    .isEqualTo(v);
            assertThat(VersionConsistency.fromWire(v.wire())).isEqualTo(v);
        }
        for (NetworkMode m : NetworkMode.values()) {
            assertThat(ModelJson.taskDefinition("{\"networkMode\":\"" + m.wire() + "\"}")
                            .networkMode())
                    .isEqualTo(m);
        }
        for (TransportProtocol p : TransportProtocol.values()) {
            assertThat(ModelJson.taskDefinition(
                                    "{\"containerDefinitions\":[{\"name\":\"a\",\"portMappings\":[{\"protocol\":\""
                                            + p.wire() + "\"}]}]}")
                            .containers()
                            .getFirst()
                            .portMappings()
                            .getFirst()
                            .protocol())
                    .isEqualTo(p);
        }
        assertThatThrownBy(() -> VersionConsistency.fromWire("sometimes")).hasMessageContaining("sometimes");
    }

    @Test
    void deploymentConfigurationDefaultsLiveInOnePlace() throws IOException {
        ObjectMapper json = new ObjectMapper();
        assertThat(ModelJson.deploymentConfiguration(null)).isEqualTo(DeploymentConfiguration.DEFAULTS);
        assertThat(ModelJson.deploymentConfiguration(json.readTree("{}")))
                .isEqualTo(new DeploymentConfiguration(
                        100, 200, new DeploymentConfiguration.CircuitBreaker(false, false)));
        assertThat(ModelJson.deploymentConfiguration(json.readTree("""
                {"minimumHealthyPercent":50,"maximumPercent":150,"alarms":{"enable":false},
                 "deploymentCircuitBreaker":{"enable":true}}""")))
                .isEqualTo(
                        new DeploymentConfiguration(50, 150, new DeploymentConfiguration.CircuitBreaker(true, false)));
        assertThat(ModelJson.deploymentConfiguration(json.readTree("""
                {"deploymentCircuitBreaker":{"enable":true,"rollback":true}}""")))
                .isEqualTo(
                        new DeploymentConfiguration(100, 200, new DeploymentConfiguration.CircuitBreaker(true, true)));
    }
}
