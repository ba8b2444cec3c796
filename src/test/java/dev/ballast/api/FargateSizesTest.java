package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Table tests of the task-level CPU/memory combinations Fargate offers, and RegisterTaskDefinition's FARGATE rules. */
class FargateSizesTest {

    @ParameterizedTest
    @CsvSource({
        "256,512",
        "256,1024",
        "256,2048",
        "512,1024",
        "512,2048",
        "512,4096",
        "1024,2048",
        "1024,5120",
        "1024,8192",
        "2048,4096",
        "2048,16384",
        "4096,8192",
        "4096,30720",
        "8192,16384",
        "8192,20480",
        "8192,61440",
        "16384,32768",
        "16384,40960",
        "16384,122880"
    })
    void offered(long cpu, long memory) {
        assertThat(FargateSizes.offered(cpu, memory)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "256,256",
        "256,1536",
        "256,3072",
        "256,4096",
        "512,512",
        "512,1536",
        "512,5120",
        "1024,1024",
        "1024,9216",
        "2048,2048",
        "2048,17408",
        "4096,4096",
        "4096,31744",
        "8192,17408",
        "8192,65536",
        "16384,36864",
        "16384,131072",
        "128,512",
        "3072,8192",
        "32768,65536"
    })
    void notOffered(long cpu, long memory) {
        assertThat(FargateSizes.offered(cpu, memory)).isFalse();
        assertThatThrownBy(() -> FargateSizes.check(cpu, memory)).isInstanceOfSatisfying(AwsException.class, e -> {
            assertThat(e.type()).isEqualTo("ClientException");
            assertThat(e.getMessage())
                    .isEqualTo("No Fargate configuration exists for given values: " + cpu + " CPU, " + memory
                            + " memory. See the Amazon ECS documentation for the valid values.");
        });
    }

    private static ObjectNode fargate(String cpu, String memory, String networkMode) {
        ObjectNode td = (ObjectNode) Json.read("{\"family\":\"f\",\"requiresCompatibilities\":[\"FARGATE\"],"
                + "\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"nginx\"}]}");
        if (cpu != null) {
            td.put("cpu", cpu);
        }
        if (memory != null) {
            td.put("memory", memory);
        }
        if (networkMode != null) {
            td.put("networkMode", networkMode);
        }
        return td;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            256     | 512   | awsvpc
            1 vCPU  | 2 GB  | awsvpc
            0.5 vCPU | 1GB  | awsvpc
            4096    | 30GB  | awsvpc
            """)
    void registersOfferedSizesInEitherForm(String cpu, String memory, String networkMode) {
        TaskDefinitionValidator.validate(fargate(cpu, memory, networkMode), 100);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -       | 512   | awsvpc | Fargate requires that 'cpu' be defined at the task level.
            256     | -     | awsvpc | Fargate requires that 'memory' be defined at the task level.
            256     | 512   | bridge | Fargate only supports network mode 'awsvpc'.
            256     | 512   | -      | Fargate only supports network mode 'awsvpc'.
            1 vCPU  | 1 GB  | awsvpc | No Fargate configuration exists for given values: 1024 CPU, 1024 memory.
            512     | 512   | awsvpc | No Fargate configuration exists for given values: 512 CPU, 512 memory.
            """)
    void refusesWhatFargateDoesNotOffer(String cpu, String memory, String networkMode, String message) {
        assertThatThrownBy(() -> TaskDefinitionValidator.validate(fargate(cpu, memory, networkMode), 100))
                .isInstanceOfSatisfying(AwsException.class, e -> {
                    assertThat(e.type()).isEqualTo("ClientException");
                    assertThat(e.getMessage()).startsWith(message);
                });
    }

    @Test
    void awsvpcHostPortsMustMatchTheirContainerPorts() {
        ObjectNode td = fargate("256", "512", "awsvpc");
        ObjectNode app = (ObjectNode) td.path("containerDefinitions").get(0);
        app.putArray("portMappings").addObject().put("containerPort", 8080).put("hostPort", 8080);
        TaskDefinitionValidator.validate(td, 100);
        app.putArray("portMappings").addObject().put("containerPort", 8080).put("hostPort", 0);
        TaskDefinitionValidator.validate(td, 100);
        app.putArray("portMappings").addObject().put("containerPort", 8080).put("hostPort", 80);
        assertThatThrownBy(() -> TaskDefinitionValidator.validate(td, 100))
                .isInstanceOfSatisfying(
                        AwsException.class,
                        e -> assertThat(e.getMessage())
                                .isEqualTo(
                                        "When networkMode=awsvpc, the host ports and container ports in port mappings "
                                                + "must match (container 'app': hostPort 80, containerPort 8080)."));
    }

    @Test
    void ec2TaskDefinitionsKeepFreeSizes() {
        ObjectNode td = fargate("300", "700", null);
        td.remove("requiresCompatibilities");
        TaskDefinitionValidator.validate(td, 100);
    }
}
