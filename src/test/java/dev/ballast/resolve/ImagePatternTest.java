package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImagePatternTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *                              | anything/at:all                 | true
            nginx                          | nginx                           | true
            nginx                          | nginx:1                         | false
            nginx*                         | nginx:1                         | true
            *nginx                         | library/nginx                   | true
            a*b*c                          | aXXbYYc                         | true
            a*b*c                          | aXXbYYcZ                        | false
            a*b*c                          | abc                             | true
            *a*a*a*a*b                     | aaaaaaaaaaaaaaaaaaaaaaaaaaaaa   | false
            */datadog/agent:*              | docker.io/datadog/agent:7       | true
            */datadog/agent:*              | datadog/agent:7                 | false
            docker.io/library/nginx:1.27   | docker.io/library/nginx:1.27    | true
            """)
    void globs(String pattern, String text, boolean expected) {
        assertThat(ImagePattern.glob(pattern, text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} ~ image {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            nginx:1.27                         | nginx:1.27                                | true
            docker.io/library/nginx:1.27       | nginx:1.27                                | true
            docker.io/library/nginx:latest     | nginx                                     | true
            docker.io/library/nginx:latest     | index.docker.io/nginx                     | true
            */library/nginx:*                  | nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | false
            *nginx*                            | nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | true
            127.0.0.1:5000/demo/*              | 127.0.0.1:5000/demo/app:v1                | true
            Not-An-Image*                      | Not-An-Image!!                            | true
            docker.io/*                        | Not-An-Image!!                            | false
            """)
    void matches_written_or_canonical_form(String pattern, String image, boolean expected) {
        assertThat(new ImagePattern(pattern).matches(ImagePattern.Image.of(image)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "refuses \"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""             | empty
            "a b"          | whitespace
            "a\tb"         | whitespace
            """)
    void refuses_bad_patterns(String pattern, String problem) {
        String p = pattern.replace("\\t", "\t");
        assertThatThrownBy(() -> new ImagePattern(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void refuses_long_patterns() {
        assertThat(new ImagePattern("a".repeat(255)).text()).hasSize(255);
        assertThatThrownBy(() -> new ImagePattern("a".repeat(256))).hasMessageContaining("at most 255");
    }
}
