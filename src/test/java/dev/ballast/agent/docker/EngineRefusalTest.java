package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which engine refusals of a create or start are final (the container fails) and which are tried again. */
class EngineRefusalTest {

    @ParameterizedTest(name = "{0} {1} -> final {2}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | invalid reference format                                                                  | true
            404 | no such image: 127.0.0.1:5000/demo/app@sha256:00                                          | true
            500 | runc: runc create failed: unable to start container process: exec: "/bin/nope": stat /bin/nope: no such file or directory | true
            500 | OCI runtime error: exec: "nope": executable file not found in $PATH                       | true
            500 | rootlessport listen tcp 127.0.0.1:8080: bind: address already in use                     | true
            500 | driver failed programming external connectivity: port is already allocated                | true
            500 | open /proc/self/fd: permission denied                                                     | true
            500 | database is locked                                                                        | false
            500 | error allocating lock for new container: allocation failed; exceeded num_locks (2048)      | false
            502 | bad gateway                                                                               | false
            """)
    void classifies(int status, String message, boolean isFinal) {
        assertThat(DockerRuntime.finalRefusal(status, message)).isEqualTo(isFinal);
    }
}
