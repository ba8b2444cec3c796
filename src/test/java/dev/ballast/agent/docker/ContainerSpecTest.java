package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.docker.ContainerSpec.PortMapping;
import dev.ballast.core.ModelJson;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerSpecTest {

    @Test
    void reads_every_field_the_engine_needs() {
        String doc = """
                {"family":"web","networkMode":"bridge","containerDefinitions":[
                  {"name":"side","image":"x"},
                  {"name":"app","image":"x","cpu":512,"memory":256,"memoryReservation":128,"stopTimeout":5,
                   "entryPoint":["/bin/sh","-c"],"command":["echo hi"],"workingDirectory":"/srv",
                   "environment":[{"name":"A","value":"1"},{"name":"EMPTY"}],
                   "portMappings":[{"containerPort":80,"hostPort":8080},{"containerPort":53,"protocol":"udp"},{"hostPort":9}]}]}""";
        ContainerSpec spec =
                ContainerSpec.of(ModelJson.taskDefinition(doc), "app").orElseThrow();
        assertThat(spec)
                .isEqualTo(new ContainerSpec(
                        List.of("echo hi"),
                        List.of("/bin/sh", "-c"),
                        List.of("A=1", "EMPTY="),
                        "/srv",
                        List.of(new PortMapping(80, 8080, "tcp"), new PortMapping(53, 0, "udp")),
                        256,
                        128,
                        512,
                        5,
                        "bridge"));
        assertThat(spec.cpuShares()).isEqualTo(512);
    }

    @Test
    void absent_fields_keep_the_image_defaults_and_an_unknown_container_is_empty() {
        String doc = "{\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"x\"}]}";
        assertThat(ContainerSpec.of(ModelJson.taskDefinition(doc), "app")).contains(ContainerSpec.DEFAULTS);
        assertThat(ContainerSpec.of(ModelJson.taskDefinition(doc), "other")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0,0", "1,2", "2,2", "1024,1024"})
    void cpu_units_become_at_least_two_shares(int units, long shares) {
        ContainerSpec spec =
                new ContainerSpec(List.of(), List.of(), List.of(), null, List.of(), null, null, units, null, null);
        assertThat(spec.cpuShares()).isEqualTo(shares);
    }

    @ParameterizedTest
    @CsvSource({"amd64,x86_64", "x86_64,x86_64", "arm64,arm64", "aarch64,arm64", "s390x,s390x"})
    void engine_architectures_map_to_ecs_values(String goArch, String ecs) {
        assertThat(DockerRuntime.ecsArchitecture(goArch)).isEqualTo(ecs);
    }

    @Test
    void engine_candidates_are_tried_in_order_and_a_missing_socket_does_not_answer() {
        assertThat(EngineDetection.candidates(
                        Map.of("DOCKER_HOST", "tcp://127.0.0.1:1", "XDG_RUNTIME_DIR", "/run/user/0")))
                .extracting(EngineDetection.Engine::dockerHost)
                .containsExactly(
                        "tcp://127.0.0.1:1",
                        "unix:///var/run/docker.sock",
                        "unix:///run/user/0/podman/podman.sock",
                        "unix:///run/podman/podman.sock");
        assertThat(EngineDetection.candidates(Map.of()))
                .extracting(EngineDetection.Engine::source)
                .containsExactly("docker socket", "podman socket");
        assertThat(EngineDetection.answersPing("unix:///nonexistent/docker.sock", Duration.ofSeconds(1)))
                .isFalse();
        assertThat(EngineDetection.answersPing("ssh://host", Duration.ofSeconds(1)))
                .isFalse();
    }
}
