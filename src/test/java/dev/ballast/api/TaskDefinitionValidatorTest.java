package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table tests of ECS's task-level memory/CPU strings and the image reference syntax check. */
class TaskDefinitionValidatorTest {

    @ParameterizedTest
    @CsvSource({"512,512", "1GB,1024", "1 GB,1024", "0.5GB,512", "2gb,2048", "2048 MiB,2048"})
    void taskMemory(String text, long mib) {
        assertThat(TaskDefinitionValidator.parseTaskMemory(text)).isEqualTo(mib);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "1TB", "-5", "4"})
    void badTaskMemory(String text) {
        assertThatThrownBy(() -> TaskDefinitionValidator.parseTaskMemory(text))
                .isInstanceOfSatisfying(
                        AwsException.class, e -> assertThat(e.getMessage()).contains("'memory'"));
    }

    @ParameterizedTest
    @CsvSource({"1024,1024", "1 vCPU,1024", "0.25 vcpu,256", "256,256"})
    void taskCpu(String text, long units) {
        assertThat(TaskDefinitionValidator.parseTaskCpu(text)).isEqualTo(units);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "nginx",
                "nginx:1.27",
                "library/nginx:latest",
                "127.0.0.1:5000/demo/app:v1",
                "registry.example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "ghcr.io/org/app:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "localhost/app",
                "[::1]:5000/app:tag",
                "a/b_c/d__e/f-g:1.0-rc.1"
            })
    void validImages(String image) {
        assertThat(ImageSyntax.check(image)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Nginx                 | lowercase
            nginx:                | nginx:
            nginx@sha256:abc      | sha256
            nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef | sha256
            a//b                  | a//b
            -a/b                  | -a/b
            nginx:tag with space  | nginx:tag with space
            nginx:.tag            | .tag
            """)
    void invalidImages(String image, String mentioned) {
        assertThat(ImageSyntax.check(image)).get().asString().isNotBlank();
        if (mentioned.equals("lowercase")) {
            assertThat(ImageSyntax.check(image)).get().asString().contains("lowercase");
        }
    }
}
